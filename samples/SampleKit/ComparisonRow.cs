namespace TransferLearning.Samples;

/// <summary>One row of the table: every column at one target size, and the advisor's report on that target.</summary>
/// <param name="PerClass">Target examples per class.</param>
/// <param name="TargetCount">Target examples in all.</param>
/// <param name="Arms">The columns, in the table's order.</param>
/// <param name="Advice">The advisor's report on the first seed's sample, or <see langword="null"/> if it was not asked.</param>
public sealed record ComparisonRow(int PerClass, int TargetCount, IReadOnlyList<ArmResult> Arms, AdviceSummary? Advice)
{
    /// <summary>The column named <paramref name="arm"/>.</summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public ArmResult this[string arm] =>
        Arms.FirstOrDefault(a => a.Arm == arm) ?? throw new KeyNotFoundException($"Expected a column named '{arm}' but the row has {string.Join(", ", Arms.Select(a => a.Arm))}.");
}
