using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>
/// The source text's rule of thumb, with overridable thresholds that explain themselves:
/// transfer needs the same input x and far more source than target data; with little target data
/// train only the new head, with more the last one or two layers too, with plenty every layer.
/// </summary>
/// <remarks>
/// <para>The decision, in order:</para>
/// <list type="number">
/// <item>Different input sizes: refused (<see cref="ArgumentException"/>) — transfer needs the same x.</item>
/// <item>Source examples &lt; <see cref="AdvisorOptions.MinSourceToTargetRatio"/> (of <see cref="FeatureCheck"/>) × target examples:
/// <see cref="TransferStrategy.FromScratch"/> — each target example is worth more than a source example.</item>
/// <item>Otherwise the strategy that trains the most layers among <see cref="TransferStrategy.FullFineTune"/>,
/// <see cref="TransferStrategy.LastLayers(int)"/> (k = <see cref="MaxLastLayers"/> … 1) whose needs the
/// target meets: at least <see cref="FullFineTuneMinExamplesPerClass"/> (full) or
/// <see cref="LastLayersMinExamplesPerClass"/> (last layers) examples in every class (its smallest class,
/// when known), and at least
/// <see cref="MinExamplesPerTrainedParameter"/> examples per parameter it would train;
/// else <see cref="TransferStrategy.HeadOnly"/>.</item>
/// </list>
/// <para>
/// That rule is the prior, not the verdict: across different classes of small images a frozen body can
/// hurt (DESIGN.md §9) — the source text's third condition, "A's low-level features help B", decides.
/// So with <see cref="CheckFeatures"/> on (the default), before it keeps any pretrained layer frozen the
/// policy measures that condition with the advisor's linear probes (<see cref="FeatureCheck"/>) and, when
/// the features do not measurably help (a probe gain under 2 points + half a standard error), trains everything from scratch (the
/// rule only freezes layers when the target does not meet <see cref="TransferStrategy.FullFineTune"/>'s needs). The reasons carry the
/// probes' numbers. <see cref="RuleOfThumb"/> is the unguarded rule;
/// <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/> measures whole trainings instead.
/// </para>
/// </remarks>
public sealed partial class DataSizePolicy : TransferPolicy
{
    /// <summary>
    /// Gets the policy with the documented defaults: the rule of thumb as the prior, guarded by the
    /// evidence of condition (c) before it freezes any pretrained layer.
    /// </summary>
    public static DataSizePolicy Default { get; } = new();

    /// <summary>
    /// Gets exactly the source text's rule of thumb, decided from the counts alone
    /// (<see cref="CheckFeatures"/> off): for users who want that rule and nothing else.
    /// </summary>
    public static DataSizePolicy RuleOfThumb { get; } = new() { CheckFeatures = false };

    /// <summary>
    /// Gets a value indicating whether, before choosing a strategy that keeps pretrained layers frozen
    /// (<see cref="TransferStrategy.HeadOnly"/>, <see cref="TransferStrategy.LastLayers(int)"/>), the policy
    /// checks the source text's condition (c) — do the pretrained features help this target? — with the
    /// <see cref="TransferAdvisor"/>'s linear probe on the features it would freeze. When they do not measurably help,
    /// it trains <see cref="TransferStrategy.FromScratch"/> instead. The default is <see langword="true"/>.
    /// </summary>
    public bool CheckFeatures { get; init; } = true;

    /// <summary>
    /// Gets how many standard errors of the probe gain, on top of <see cref="AdvisorOptions.MinProbeGain"/>,
    /// the frozen features must gain over the raw inputs before the policy freezes them; ≥ 0. The default is
    /// 0.5 (measured: on Fashion-MNIST 0–4 → 5–9 at 10 per class one target in three reached +4 points on
    /// noise alone, with a standard error of 8; on the related synthetic tasks the real gains are 3 to 30 points).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double RequiredStandardErrors
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(RequiredStandardErrors));
            field = value;
        }
    } = 0.5;

    /// <summary>
    /// Gets the settings of the source text's conditions as the policy applies them: condition (b)'s
    /// <see cref="AdvisorOptions.MinSourceToTargetRatio"/> (10), and the probes behind <see cref="CheckFeatures"/>: the frozen features help when a
    /// probe on the features the strategy would freeze (the top frozen layer's output) gains at least
    /// <see cref="AdvisorOptions.MinProbeGain"/> + <see cref="RequiredStandardErrors"/> standard errors over
    /// the raw inputs' (and, for regression, its R² is above 0). The default is two passes of 10-fold cross-validation without label shuffles
    /// (<c>ProbeRepeats = 2, Permutations = 0</c>), so that the check costs little next to the training it guards.
    /// </summary>
    /// <remarks>
    /// The policy acts on the measured gain, not on its significance as the advisor's verdict does: a
    /// policy must choose at every data size, and with 50 target examples no test can show a 5-point gain
    /// (the interval is ±10 points wide) although a frozen body that gains it is the better choice. Where
    /// the features do not help, the measured gain sits near 0 (on Fashion-MNIST 0–4 → 5–9: −3 to +1 points
    /// at 10 to 300 examples per class), below the 2 points asked for. Its <see cref="AdvisorOptions.Seed"/> is not
    /// used: a transfer's probe folds come from the transfer's one seed, <see cref="TransferOptions.Seed"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public AdvisorOptions FeatureCheck
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(FeatureCheck));
    } = new() { ProbeRepeats = 2, Permutations = 0 };

    /// <summary>Gets the target examples per class that fine-tuning every layer needs. The default is 1,000.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double FullFineTuneMinExamplesPerClass
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(FullFineTuneMinExamplesPerClass));
            field = value;
        }
    } = 1000;

    /// <summary>Gets the target examples per class that training the last pretrained layers needs. The default is 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double LastLayersMinExamplesPerClass
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(LastLayersMinExamplesPerClass));
            field = value;
        }
    } = 100;

    /// <summary>
    /// Gets the target examples needed per parameter a strategy would train (0.05: one example per 20
    /// parameters). The default is 0.05.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double MinExamplesPerTrainedParameter
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(MinExamplesPerTrainedParameter));
            field = value;
        }
    } = 0.05;

    /// <summary>Gets the most pretrained layers <see cref="TransferStrategy.LastLayers(int)"/> may train, at least 1. The default is 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxLastLayers
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(MaxLastLayers));
            field = value;
        }
    } = 2;

    /// <summary>
    /// Decides the strategy for <paramref name="situation"/> by the counts alone (the rule of thumb, the
    /// prior of <see cref="CheckFeatures"/>), with the reasons and the numbers used.
    /// </summary>
    /// <param name="situation">The numbers to decide from.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="situation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target's input size differs from the source's (not the same x).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The situation's smallest class has more examples than its target.</exception>
    public TransferDecision Decide(TransferSituation situation)
    {
        ArgumentNullException.ThrowIfNull(situation);
        situation.Validate(nameof(situation));
        var s = situation;
        double minRatio = FeatureCheck.MinSourceToTargetRatio;
        if (s.SourceInputSize != s.TargetInputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Transfer needs the same input x: expected target examples with {s.SourceInputSize} features (the pretrained network's input size) but got {s.TargetInputSize}."),
                nameof(situation));
        }

        var reasons = new List<DecisionReason>
        {
            new()
            {
                Code = DecisionReasonCode.SameInput,
                Value = s.TargetInputSize,
                Threshold = s.SourceInputSize,
                Text = Invariant.F($"Same input x: source and target both have {s.SourceInputSize:N0} inputs."),
            },
        };
        string perClass = s.TargetClassCount == 0
            ? Invariant.F($"{s.TargetExampleCount:N0} target examples (regression)")
            : s.TargetSmallestClassCount is { } smallest && smallest < s.TargetExamplesPerClass
                ? Invariant.F($"{s.TargetExampleCount:N0} target examples, {s.TargetExamplesPerClass:N1} per class over {s.TargetClassCount} classes but only {smallest:N0} in the smallest")
                : Invariant.F($"{s.TargetExampleCount:N0} target examples, {s.TargetExamplesPerClass:N1} per class over {s.TargetClassCount} classes");

        if (s.SourceToTargetRatio is { } ratio)
        {
            if (ratio < minRatio)
            {
                reasons.Add(new()
                {
                    Code = DecisionReasonCode.TooLittleSourceData,
                    Value = ratio,
                    Threshold = minRatio,
                    Text = Invariant.F($"Source has {s.SourceExampleCount:N0} examples, target {s.TargetExampleCount:N0}: ratio {ratio:G4}:1 is below the {minRatio:G4}:1 transfer needs."),
                });
                reasons.Add(new()
                {
                    Code = DecisionReasonCode.FromScratchForLittleSourceData,
                    Value = ratio,
                    Threshold = minRatio,
                    Strategy = TransferStrategy.FromScratch,
                    Text = "Each target example is worth more than a source example here, so transfer is unlikely to help: train from scratch.",
                });
                return new TransferDecision { Strategy = TransferStrategy.FromScratch, Reasons = reasons };
            }

            reasons.Add(new()
            {
                Code = DecisionReasonCode.EnoughSourceData,
                Value = ratio,
                Threshold = minRatio,
                Text = Invariant.F($"Source has {s.SourceExampleCount:N0} examples, target {s.TargetExampleCount:N0}: ratio {ratio:#,0.##}:1 meets the {minRatio:G4}:1 transfer needs."),
            });
        }
        else
        {
            reasons.Add(new()
            {
                Code = DecisionReasonCode.SourceCountUnknown,
                Value = s.TargetExampleCount,
                Threshold = minRatio,
                Text = Invariant.F($"The source's example count is unknown, so the {minRatio:N0}:1 source-to-target rule was not checked (set PretrainedNetwork.SourceExampleCount)."),
            });
        }

        double leastNeeded = double.PositiveInfinity;
        foreach (var (candidate, minPerClass) in Ladder(s))
        {
            long trained = s.TrainedParameterCount(candidate);
            double needed = Math.Ceiling(trained * MinExamplesPerTrainedParameter);
            bool enoughPerClass = s.TargetExamplesPerClassForRules >= minPerClass;
            bool enoughPerParameter = s.TargetExampleCount >= needed;
            string need = Invariant.F($"{candidate} would train {trained:N0} parameters: it needs ≥ {minPerClass:N0} examples per class and ≥ {needed:N0} examples ({MinExamplesPerTrainedParameter:G3} per parameter); the target has {perClass}");
            leastNeeded = Math.Min(leastNeeded, minPerClass);
            var reason = enoughPerClass
                ? new DecisionReason { Code = DecisionReasonCode.TooFewExamplesPerParameter, Value = s.TargetExampleCount, Threshold = needed }
                : new DecisionReason { Code = DecisionReasonCode.TooFewExamplesPerClass, Value = s.TargetExamplesPerClassForRules, Threshold = minPerClass };
            if (enoughPerClass && enoughPerParameter)
            {
                reasons.Add(new() { Code = DecisionReasonCode.StrategyNeedsMet, Value = s.TargetExamplesPerClassForRules, Threshold = minPerClass, Strategy = candidate, Text = need + ". Chosen." });
                return new TransferDecision { Strategy = candidate, Reasons = reasons };
            }

            reasons.Add(reason with { Strategy = candidate, Text = need + "." });
        }

        reasons.Add(new()
        {
            Code = DecisionReasonCode.LittleTargetData,
            Value = s.TargetExamplesPerClassForRules,
            Threshold = leastNeeded,
            Strategy = TransferStrategy.HeadOnly,
            Text = Invariant.F($"Little target data ({perClass}): train the new layers only ({s.NewLayerParameterCount:N0} parameters) and keep every pretrained parameter fixed."),
        });
        return new TransferDecision { Strategy = TransferStrategy.HeadOnly, Reasons = reasons };
    }

    /// <inheritdoc />
    public override string ToString() => Invariant.F(
        $"DataSizePolicy({(CheckFeatures ? "guarded by condition (c), " : "rule of thumb only, ")}ratio ≥ {FeatureCheck.MinSourceToTargetRatio}:1, full ≥ {FullFineTuneMinExamplesPerClass}/class, last layers ≥ {LastLayersMinExamplesPerClass}/class, ≥ {MinExamplesPerTrainedParameter} examples per trained parameter, last ≤ {MaxLastLayers} layers)");

    private IEnumerable<(TransferStrategy Strategy, double MinPerClass)> Ladder(TransferSituation s)
    {
        // Above a feature extractor (which cannot train) every kept dense layer may train, and nothing more.
        if (s.Extractor is null)
        {
            yield return (TransferStrategy.FullFineTune, FullFineTuneMinExamplesPerClass);
        }

        int deepest = s.Extractor is null ? s.PretrainedLayerParameterCounts.Count - 1 : s.PretrainedLayerParameterCounts.Count;
        for (int k = Math.Min(MaxLastLayers, deepest); k >= 1; k--)
        {
            yield return (TransferStrategy.LastLayers(k), LastLayersMinExamplesPerClass);
        }
    }
}
