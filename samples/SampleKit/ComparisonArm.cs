using TransferLearning.Transfer;

namespace TransferLearning.Samples;

/// <summary>One column of the table: a way of training the target, always through <see cref="TransferPipeline"/>.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Policy">The policy that picks the strategy (fixed for the five strategies; the data-size policy; Auto).</param>
public sealed record ComparisonArm(string Name, TransferPolicy Policy)
{
    /// <summary>The five fixed strategies, the library's data-size policy and Auto, in the table's order.</summary>
    /// <param name="auto">Auto's options; <see langword="null"/> for the library's defaults.</param>
    public static IReadOnlyList<ComparisonArm> All(AutoSelectionOptions? auto = null) =>
    [
        Fixed(TransferStrategy.FromScratch),
        Fixed(TransferStrategy.HeadOnly),
        Fixed(TransferStrategy.LastLayers(1)),
        Fixed(TransferStrategy.FullFineTune),
        Fixed(TransferStrategy.TwoPhase),
        new("Policy", DataSizePolicy.Default),
        new("Auto", TransferPolicy.Auto(auto)),
    ];

    /// <summary>A column that always trains with <paramref name="strategy"/>.</summary>
    public static ComparisonArm Fixed(TransferStrategy strategy) => new(strategy.ToString(), TransferPolicy.Fixed(strategy));

    /// <summary>Gets a value indicating whether the column's strategy is chosen by the library (policy or Auto) rather than fixed.</summary>
    public bool Decides => Name is "Policy" or "Auto";
}
