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
/// <item>Source examples &lt; <see cref="MinSourceToTargetRatio"/> × target examples:
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
/// It is a default, not the truth: across different classes of small images a frozen body can hurt
/// (DESIGN.md §9). <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/> measures instead.
/// </para>
/// </remarks>
public sealed class DataSizePolicy : TransferPolicy
{
    /// <summary>Gets the policy with the documented defaults.</summary>
    public static DataSizePolicy Default { get; } = new();

    /// <summary>Gets how many times more source than target examples transfer needs. The default is 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public double MinSourceToTargetRatio
    {
        get;
        init
        {
            Guard.Positive(value, nameof(MinSourceToTargetRatio));
            field = value;
        }
    } = 10;

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

    /// <summary>Decides the strategy for <paramref name="situation"/>, with the reasons and the numbers used.</summary>
    /// <param name="situation">The numbers to decide from.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="situation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target's input size differs from the source's (not the same x).</exception>
    public TransferDecision Decide(TransferSituation situation)
    {
        ArgumentNullException.ThrowIfNull(situation);
        var s = situation;
        if (s.SourceInputSize != s.TargetInputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Transfer needs the same input x: expected target examples with {s.SourceInputSize} features (the pretrained network's input size) but got {s.TargetInputSize}."),
                nameof(situation));
        }

        var reasons = new List<string>
        {
            Invariant.F($"Same input x: source and target both have {s.SourceInputSize:N0} inputs."),
        };
        string perClass = s.TargetClassCount == 0
            ? Invariant.F($"{s.TargetExampleCount:N0} target examples (regression)")
            : s.TargetSmallestClassCount is { } smallest && smallest < s.TargetExamplesPerClass
                ? Invariant.F($"{s.TargetExampleCount:N0} target examples, {s.TargetExamplesPerClass:N1} per class over {s.TargetClassCount} classes but only {smallest:N0} in the smallest")
                : Invariant.F($"{s.TargetExampleCount:N0} target examples, {s.TargetExamplesPerClass:N1} per class over {s.TargetClassCount} classes");

        if (s.SourceToTargetRatio is { } ratio)
        {
            if (ratio < MinSourceToTargetRatio)
            {
                reasons.Add(Invariant.F($"Source has {s.SourceExampleCount:N0} examples, target {s.TargetExampleCount:N0}: ratio {ratio:G4}:1 is below the {MinSourceToTargetRatio:G4}:1 transfer needs."));
                reasons.Add("Each target example is worth more than a source example here, so transfer is unlikely to help: train from scratch.");
                return new TransferDecision(TransferStrategy.FromScratch, reasons, []);
            }

            reasons.Add(Invariant.F($"Source has {s.SourceExampleCount:N0} examples, target {s.TargetExampleCount:N0}: ratio {ratio:#,0.##}:1 meets the {MinSourceToTargetRatio:G4}:1 transfer needs."));
        }
        else
        {
            reasons.Add(Invariant.F($"The source's example count is unknown, so the {MinSourceToTargetRatio:N0}:1 source-to-target rule was not checked (set TransferOptions.SourceExampleCount)."));
        }

        foreach (var (candidate, minPerClass) in Ladder(s))
        {
            long trained = s.TrainedParameterCount(candidate);
            double needed = Math.Ceiling(trained * MinExamplesPerTrainedParameter);
            bool enoughPerClass = s.TargetExamplesPerClassForRules >= minPerClass;
            bool enoughPerParameter = s.TargetExampleCount >= needed;
            string need = Invariant.F($"{candidate} would train {trained:N0} parameters: it needs ≥ {minPerClass:N0} examples per class and ≥ {needed:N0} examples ({MinExamplesPerTrainedParameter:G3} per parameter); the target has {perClass}");
            if (enoughPerClass && enoughPerParameter)
            {
                reasons.Add(need + ". Chosen.");
                return new TransferDecision(candidate, reasons, []);
            }

            reasons.Add(need + ".");
        }

        reasons.Add(Invariant.F($"Little target data ({perClass}): train the new layers only ({s.NewLayerParameterCount:N0} parameters) and keep every pretrained parameter fixed."));
        return new TransferDecision(TransferStrategy.HeadOnly, reasons, []);
    }

    /// <inheritdoc />
    public override string ToString() => Invariant.F(
        $"DataSizePolicy(ratio ≥ {MinSourceToTargetRatio}:1, full ≥ {FullFineTuneMinExamplesPerClass}/class, last layers ≥ {LastLayersMinExamplesPerClass}/class, ≥ {MinExamplesPerTrainedParameter} examples per trained parameter, last ≤ {MaxLastLayers} layers)");

    internal override TransferDecision Choose(TransferContext context) => Decide(context.Situation);


    private IEnumerable<(TransferStrategy Strategy, double MinPerClass)> Ladder(TransferSituation s)
    {
        yield return (TransferStrategy.FullFineTune, FullFineTuneMinExamplesPerClass);
        for (int k = Math.Min(MaxLastLayers, s.PretrainedLayerParameterCounts.Count - 1); k >= 1; k--)
        {
            yield return (TransferStrategy.LastLayers(k), LastLayersMinExamplesPerClass);
        }
    }
}
