using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Answers "does transfer make sense here?" with the source text's three conditions: (a) A and B have
/// the same input x; (b) A has far more data than B; (c) A's features help B — measured by linear probes
/// (ridge regression, scored on held-out folds: balanced accuracy for classes, R² for regression targets) on
/// each pretrained layer's activations against the raw inputs.
/// </summary>
/// <remarks>
/// <para>
/// Condition (c) holds only when the measured gain is more than noise. The probes are scored by
/// <see cref="AdvisorOptions.ProbeRepeats"/> × <see cref="AdvisorOptions.ProbeFolds"/>-fold stratified
/// cross-validation; the gain is the best layer's mean held-out score minus the raw inputs', with a
/// confidence interval from the per-fold gains (Student's t, the variance corrected for overlapping
/// training parts by Nadeau and Bengio's <c>1/n + n_test/n_train</c>). The features help when
/// </para>
/// <list type="number">
/// <item>the interval excludes zero;</item>
/// <item>the gain, in standard errors, beats the permutation baseline: the largest gain in standard errors that
/// the same probes, with the best layer chosen the same way, reach on <see cref="AdvisorOptions.Permutations"/>
/// shuffles of the target (with 19, a one-sided test at the 5 % level, corrected for choosing the best of the
/// layers). Studentized, because near a ceiling the real probes' scores vary far less than the shuffles' near
/// chance: measured in points, a clear 4-point gain at 0.94 against 0.98 was held to the noise of chance-level
/// scores and never said to help;</item>
/// <item>the gain is at least <see cref="AdvisorOptions.MinProbeGain"/>; and, for regression, the best
/// layer's R² is above 0 (a probe that does not beat predicting the mean never helps).</item>
/// </list>
/// </remarks>
public sealed partial class TransferAdvisor
{
    private const string FeaturesHelpName = "(c) the source's features help";

    /// <summary>Creates an advisor.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public TransferAdvisor(AdvisorOptions? options = null)
    {
        Options = options ?? new AdvisorOptions();
    }

    /// <summary>Gets the settings.</summary>
    public AdvisorOptions Options { get; }

    /// <summary>Advises on transferring <paramref name="pretrained"/> to <paramref name="target"/>.</summary>
    /// <param name="pretrained">The pretrained network and its source example count (condition (b) is not checked when that is unknown).</param>
    /// <param name="target">The target's training data (at least 2 examples).</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>The advice; condition (c) is not measured when (a) fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The network has no layers or no more than <see cref="AdvisorOptions.RemovedLayers"/>, the target has fewer than 2 examples, or the probe's arrays for this target would not fit in memory (more than <see cref="Array.MaxLength"/> values: examples × outputs × (1 + <see cref="AdvisorOptions.Permutations"/>), or a layer's units × examples).</exception>
    public TransferAdvice Advise(PretrainedNetwork pretrained, Dataset target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        return Advise(pretrained.Network, pretrained.SourceExampleCount, target, cancellationToken);
    }

    /// <summary>Advises on the layers the transfer keeps (all but the top <see cref="AdvisorOptions.RemovedLayers"/>), probing the removed ones too.</summary>
    internal TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        if (pretrained.Layers.Count == 0)
        {
            throw new ArgumentException("Expected a pretrained network with layers but it has none.", nameof(pretrained));
        }

        if (target.Count < 2)
        {
            throw new ArgumentException($"Expected at least 2 target examples to hold some out but got {target.Count}.", nameof(target));
        }

        var a = SameInput(pretrained.InputSize, target.FeatureCount);
        var b = MoreSourceData(sourceExampleCount, target.Count);
        if (a.Holds != true)
        {
            var notMeasured = new DecisionReason { Code = DecisionReasonCode.FeaturesNotMeasured, Text = "not measured: the inputs differ" };
            return new TransferAdvice([a, b, new AdviceCondition { Name = FeaturesHelpName, Reason = notMeasured }], [], null);
        }

        int kept = pretrained.Layers.Count - Options.RemovedLayers;
        if (kept < 1)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a pretrained network with more layers than the {Options.RemovedLayers} AdvisorOptions.RemovedLayers the transfer removes but it has {pretrained.Layers.Count}."),
                nameof(pretrained));
        }

        var (probes, gain) = ProbeExperiment.Run(Options, pretrained, target, Enumerable.Range(0, pretrained.Layers.Count).ToArray(), kept, cancellationToken);
        return new TransferAdvice([a, b, FeaturesHelp(probes, gain)], probes, gain) { KeptLayers = kept, Notes = Notes(probes, gain, kept, pretrained.Layers.Count) };
    }

    /// <summary>
    /// What the verdict does not say: a deeper cut when a lower kept layer probes better than the top kept one (the new
    /// layers would sit on it), and a removed layer that probes better than every kept one.
    /// </summary>
    private static List<string> Notes(List<ProbeScore> probes, ProbeGain gain, int kept, int layers)
    {
        var notes = new List<string>();
        var best = probes.First(p => p.Layer == gain.Layer);
        var top = probes.First(p => p.Layer == kept - 1);
        if (best.Layer < top.Layer && best.Score > top.Score)
        {
            notes.Add(Invariant.F($"A deeper cut: the probe on {best.Description} scores {best.Score:F3} against {top.Score:F3} on the top kept {top.Description}; set TransferOptions.RemovedLayers = {layers - 1 - best.Layer} to put the new layers on it."));
        }

        var removed = probes.Where(p => p.Layer >= kept).MaxBy(p => p.Score);
        if (removed is not null && removed.Score > best.Score)
        {
            notes.Add(Invariant.F($"A removed layer probes better: {removed.Description} scores {removed.Score:F3} against {best.Score:F3} on the best kept layer; set TransferOptions.RemovedLayers = {layers - 1 - removed.Layer} (and AdvisorOptions.RemovedLayers alike) to keep it."));
        }

        return notes;
    }

    /// <summary>Condition (a): the target's inputs are the pretrained network's.</summary>
    private static AdviceCondition SameInput(int pretrainedInputs, int targetInputs)
    {
        bool same = pretrainedInputs == targetInputs;
        var reason = new DecisionReason
        {
            Code = same ? DecisionReasonCode.SameInput : DecisionReasonCode.DifferentInput,
            Value = targetInputs,
            Threshold = pretrainedInputs,
            Text = same
                ? Invariant.F($"source and target both have {targetInputs:N0} inputs")
                : Invariant.F($"the pretrained network takes {pretrainedInputs:N0} inputs but the target has {targetInputs:N0}: its features cannot even be computed"),
        };
        return new AdviceCondition { Name = "(a) same input x", Holds = same, Reason = reason };
    }

    /// <summary>Condition (b): at least <see cref="AdvisorOptions.MinSourceToTargetRatio"/> source examples per target example.</summary>
    private AdviceCondition MoreSourceData(long? sourceExampleCount, int targetCount)
    {
        const string name = "(b) far more source data";
        double needed = Options.MinSourceToTargetRatio;
        if (sourceExampleCount is not { } source)
        {
            var unknown = new DecisionReason
            {
                Code = DecisionReasonCode.SourceCountUnknown,
                Value = targetCount,
                Threshold = needed,
                Text = Invariant.F($"the source's example count is unknown; the target has {targetCount:N0}"),
            };
            return new AdviceCondition { Name = name, Reason = unknown };
        }

        double ratio = (double)source / targetCount;
        bool enough = ratio >= needed;
        var reason = new DecisionReason
        {
            Code = enough ? DecisionReasonCode.EnoughSourceData : DecisionReasonCode.TooLittleSourceData,
            Value = ratio,
            Threshold = needed,
            Text = enough
                ? Invariant.F($"{source:N0} source examples against {targetCount:N0} target examples: {ratio:N1}:1 ≥ {needed:N0}:1")
                : Invariant.F($"{source:N0} source examples against {targetCount:N0} target examples: {ratio:N2}:1 < {needed:N0}:1, so each target example is worth more than a source example"),
        };
        return new AdviceCondition { Name = name, Holds = enough, Reason = reason };
    }

    /// <summary>
    /// Condition (c): the best layer's gain beats zero (its interval), the permutation baseline and
    /// <see cref="AdvisorOptions.MinProbeGain"/>, and for regression its R² beats predicting the mean.
    /// </summary>
    private AdviceCondition FeaturesHelp(List<ProbeScore> probes, ProbeGain gain)
    {
        var best = probes.First(p => p.Layer == gain.Layer);
        var (code, value, threshold, why) =
            !gain.IsClassification && best.Score <= 0
                ? (DecisionReasonCode.ProbeDoesNotBeatMean, best.Score, 0.0, Invariant.F($"but an R² of {best.Score:F3} does not beat predicting the mean, so the features do not help"))
                : gain.Lower <= 0
                    ? (DecisionReasonCode.FeaturesGainIntervalIncludesZero, gain.Lower, 0.0, "the interval includes zero, so the features do not measurably help")
                    : gain.StandardizedGain <= gain.StandardizedPermutationBaseline
                        ? (DecisionReasonCode.FeaturesGainWithinPermutationBaseline, gain.StandardizedGain, gain.StandardizedPermutationBaseline, "in standard errors, no more than the probes gain on shuffled labels, so the features do not measurably help")
                        : gain.Gain < Options.MinProbeGain
                            ? (DecisionReasonCode.FeaturesGainTooSmall, gain.Gain, Options.MinProbeGain, Invariant.F($"less than the {Options.MinProbeGain * 100:0.#} points asked for, so the features do not help enough"))
                            : (DecisionReasonCode.FeaturesHelp, gain.Gain, Options.MinProbeGain, "so the features help");
        var reason = new DecisionReason
        {
            Code = code,
            Value = value,
            Threshold = threshold,
            Text = Invariant.F($"{ProbeEvidence(probes, gain)}: {gain}; {why}"),
        };
        return new AdviceCondition { Name = FeaturesHelpName, Holds = code == DecisionReasonCode.FeaturesHelp, Reason = reason };
    }

    /// <summary>"a linear probe on … scores … against … on the raw inputs", the evidence of condition (c).</summary>
    internal static string ProbeEvidence(IReadOnlyList<ProbeScore> probes, ProbeGain gain)
    {
        var best = probes.First(p => p.Layer == gain.Layer);
        return Invariant.F($"a linear probe on {best.Description} scores {MetricName(gain.IsClassification)} {best.Score:F3} on held-out target data against {probes[0].Score:F3} on the raw inputs");
    }

    /// <summary>What the probes score: balanced accuracy for classification, R² for regression.</summary>
    internal static string MetricName(bool isClassification) => isClassification ? "balanced accuracy" : "R²";
}
