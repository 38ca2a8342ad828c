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
/// hurt (DESIGN.md §9), and where the source is only a few times the target transfer can still win. So with
/// <see cref="CheckFeatures"/> on (the default), before it keeps any pretrained layer frozen (or, when condition
/// (b) fails, before it trains from scratch) the policy measures what the rule would transfer with against the
/// strategy that trains everything — <see cref="TransferStrategy.FullFineTune"/> on a target of
/// <see cref="CrossValidateBelowExamplesPerClass"/> per class or more whose source is large enough, else
/// <see cref="TransferStrategy.FromScratch"/> — each trained exactly as the transfer would train it, on held-out
/// parts of the target: <see cref="EvidenceFolds"/>-fold cross-validation on a small target; on a larger one, one
/// stratified third trains and the other two thirds are held out (cheap: about a third of a training of the
/// baseline, trained for the final training's epochs; the frozen one trains on cached features). On such a target
/// with a source under condition (b)'s ratio but at least as large as the target, <see cref="TransferStrategy.FullFineTune"/> (the pretrained weights
/// as a start only) is measured beside the rule's strategy and takes its place when it wins beyond the noise; it and
/// <see cref="TransferStrategy.FromScratch"/> then share the budget (0.6 of the epochs each). Both
/// are scored on the same held-out examples by the target's metric (accuracy; balanced accuracy when a class
/// holds under 10 % of the examples; R² for regression). The rule's choice stands unless the other wins by more
/// than <see cref="RequiredStandardErrors"/> paired-bootstrap standard errors of the difference — a paired
/// difference, so it does not vanish near a ceiling. Within that band a classification target's tie is broken by
/// the class-balanced mean probability of the true class, by the same rule, except under a ranking metric (average
/// precision), where the rule's choice stands. The reasons carry the numbers.
/// <see cref="RuleOfThumb"/> is the unguarded rule; <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>
/// measures every candidate.
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
    /// (<see cref="TransferStrategy.HeadOnly"/>, <see cref="TransferStrategy.LastLayers(int)"/>) or training from
    /// scratch for want of source data, the policy checks the choice on held-out parts of the target against the
    /// alternative (see the remarks of <see cref="DataSizePolicy"/>) and takes the alternative when it measurably
    /// wins. The default is <see langword="true"/>.
    /// </summary>
    public bool CheckFeatures { get; init; } = true;

    /// <summary>
    /// Gets how many standard errors of the held-out difference (paired bootstrap) the alternative must win by
    /// before the policy overrules the rule's choice; ≥ 0. Within that band the rule's choice stands. The
    /// default is 0.5.
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
    /// Gets the settings of the source text's conditions as the rule applies them: condition (b)'s
    /// <see cref="AdvisorOptions.MinSourceToTargetRatio"/> (10), the prior of <see cref="Decide(TransferSituation)"/>.
    /// The default is the advisor's defaults with <c>ProbeRepeats = 2, Permutations = 0</c>.
    /// </summary>
    /// <remarks>
    /// The policy acts on measured trainings, not on the advisor's probes: a policy must choose at every data
    /// size, and with 50 target examples no test can show a 5-point gain although a frozen body that gains it
    /// is the better choice. The folds come from the transfer's one seed, <see cref="TransferOptions.Seed"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public AdvisorOptions FeatureCheck
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(FeatureCheck));
    } = new() { ProbeRepeats = 2, Permutations = 0 };

    /// <summary>
    /// Gets the folds of the cross-validation behind <see cref="CheckFeatures"/> on a small target (under
    /// <see cref="CrossValidateBelowExamplesPerClass"/> per class): every example is held out once; at least 2.
    /// The default is 5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 2.</exception>
    public int EvidenceFolds
    {
        get;
        init
        {
            Guard.AtLeast(value, 2, nameof(EvidenceFolds));
            field = value;
        }
    } = 5;

    /// <summary>
    /// Gets the examples in the smallest class (a regression target: a tenth of its examples) below which the
    /// evidence is <see cref="EvidenceFolds"/>-fold cross-validation against <see cref="TransferStrategy.FromScratch"/>;
    /// from it on, the candidates train on one stratified third of the target and are scored on the other two thirds, and the alternative is <see cref="TransferStrategy.FullFineTune"/>
    /// (when the source meets condition (b) and no feature extractor is kept). ≥ 0. The default is 100.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double CrossValidateBelowExamplesPerClass
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(CrossValidateBelowExamplesPerClass));
            field = value;
        }
    } = 100;

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
