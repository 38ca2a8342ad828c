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
/// <item>the gain beats the permutation baseline: the largest gain that the same probes, with the best
/// layer chosen the same way, reach on <see cref="AdvisorOptions.Permutations"/> shuffles of the target
/// (with 19, a one-sided test at the 5 % level, corrected for choosing the best of the layers);</item>
/// <item>the gain is at least <see cref="AdvisorOptions.MinProbeGain"/>; and, for regression, the best
/// layer's R² is above 0 (a probe that does not beat predicting the mean never helps).</item>
/// </list>
/// </remarks>
public sealed class TransferAdvisor
{
    /// <summary>Creates an advisor.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public TransferAdvisor(AdvisorOptions? options = null)
    {
        Options = options ?? new AdvisorOptions();
    }

    /// <summary>Gets the settings.</summary>
    public AdvisorOptions Options { get; }

    /// <summary>Advises on transferring a network pretrained by <see cref="TransferPipeline.Pretrain"/>.</summary>
    /// <param name="pretrained">The pretrained network and its source example count.</param>
    /// <param name="target">The target's training data.</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>The advice.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public TransferAdvice Advise(PretrainedNetwork pretrained, Dataset target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        return Advise(pretrained.Network, pretrained.SourceExampleCount, target, cancellationToken);
    }

    /// <summary>Advises on transferring <paramref name="pretrained"/> to <paramref name="target"/>.</summary>
    /// <param name="pretrained">The pretrained network.</param>
    /// <param name="sourceExampleCount">The number of examples it was trained on, or <see langword="null"/> when unknown.</param>
    /// <param name="target">The target's training data (at least 2 examples).</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>The advice; condition (c) is not measured when (a) fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The network has no layers, or the target has fewer than 2 examples.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sourceExampleCount"/> is less than 1.</exception>
    public TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, CancellationToken cancellationToken = default) =>
        Advise(pretrained, sourceExampleCount, target, null, cancellationToken);

    /// <summary>Advises, probing only the layers <paramref name="layersToProbe"/> (all when <see langword="null"/>).</summary>
    internal TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, IReadOnlyList<int>? layersToProbe, CancellationToken cancellationToken)
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

        if (sourceExampleCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceExampleCount), sourceExampleCount, $"Expected at least 1 source example (or null when unknown) but got {sourceExampleCount}.");
        }

        bool sameInput = pretrained.InputSize == target.FeatureCount;
        var a = new AdviceCondition(
            "(a) same input x",
            sameInput,
            sameInput
                ? Invariant.F($"source and target both have {target.FeatureCount:N0} inputs")
                : Invariant.F($"the pretrained network takes {pretrained.InputSize:N0} inputs but the target has {target.FeatureCount:N0}: its features cannot even be computed"));

        AdviceCondition b;
        if (sourceExampleCount is { } source)
        {
            double ratio = (double)source / target.Count;
            b = new AdviceCondition(
                "(b) far more source data",
                ratio >= Options.MinSourceToTargetRatio,
                ratio >= Options.MinSourceToTargetRatio
                    ? Invariant.F($"{source:N0} source examples against {target.Count:N0} target examples: {ratio:N1}:1 ≥ {Options.MinSourceToTargetRatio:N0}:1")
                    : Invariant.F($"{source:N0} source examples against {target.Count:N0} target examples: {ratio:N2}:1 < {Options.MinSourceToTargetRatio:N0}:1, so each target example is worth more than a source example"));
        }
        else
        {
            b = new AdviceCondition("(b) far more source data", null, Invariant.F($"the source's example count is unknown; the target has {target.Count:N0}"));
        }

        if (!sameInput)
        {
            return new TransferAdvice([a, b, new AdviceCondition("(c) the source's features help", null, "not measured: the inputs differ")], [], null);
        }

        var (probes, gain) = ProbeExperiment.Run(Options, pretrained, target, layersToProbe ?? Enumerable.Range(0, pretrained.Layers.Count).ToArray(), cancellationToken);
        string metric = MetricName(target.IsClassification);
        var best = probes.First(p => p.Layer == gain.Layer);
        bool beatsMean = target.IsClassification || best.Score > 0;
        bool helps = gain.Lower > 0 && gain.Gain > gain.PermutationBaseline && gain.Gain >= Options.MinProbeGain && beatsMean;
        string why = helps
            ? "so the features help"
            : !beatsMean
                ? Invariant.F($"but an R² of {best.Score:F3} does not beat predicting the mean, so the features do not help")
                : gain.Lower <= 0
                    ? "the interval includes zero, so the features do not measurably help"
                    : gain.Gain <= gain.PermutationBaseline
                        ? "no more than the probes gain on shuffled labels, so the features do not measurably help"
                        : Invariant.F($"less than the {Options.MinProbeGain * 100:0.#} points asked for, so the features do not help enough");
        var c = new AdviceCondition(
            "(c) the source's features help",
            helps,
            Invariant.F($"a linear probe on {best.Description} scores {metric} {best.Score:F3} on held-out target data against {probes[0].Score:F3} on the raw inputs: {gain}; {why}"));
        return new TransferAdvice([a, b, c], probes, gain);
    }

    /// <summary>What the probes score: balanced accuracy for classification, R² for regression.</summary>
    internal static string MetricName(bool isClassification) => isClassification ? "balanced accuracy" : "R²";
}
