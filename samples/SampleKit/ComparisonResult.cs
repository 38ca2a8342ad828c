namespace TransferLearning.Samples;

/// <summary>The whole experiment on one set-up.</summary>
/// <param name="Setup">The set-up's short name.</param>
/// <param name="Title">The set-up, in words.</param>
/// <param name="Data">Which data it used.</param>
/// <param name="SourceCount">Source examples the body was pretrained on.</param>
/// <param name="SourceTestAccuracy">The pretrained network's accuracy on the source's test examples.</param>
/// <param name="TargetTestCount">Target test examples every accuracy is measured on.</param>
/// <param name="Rows">One row per target size.</param>
/// <param name="Elapsed">Wall time of the whole experiment.</param>
public sealed record ComparisonResult(
    string Setup,
    string Title,
    string Data,
    int SourceCount,
    double SourceTestAccuracy,
    int TargetTestCount,
    IReadOnlyList<ComparisonRow> Rows,
    TimeSpan Elapsed)
{
    /// <summary>The row for <paramref name="perClass"/> examples per class.</summary>
    /// <exception cref="KeyNotFoundException">That size was not measured.</exception>
    public ComparisonRow this[int perClass] =>
        Rows.FirstOrDefault(r => r.PerClass == perClass) ?? throw new KeyNotFoundException($"Expected a row for N = {perClass} but the sizes were {string.Join(", ", Rows.Select(r => r.PerClass))}.");
}
