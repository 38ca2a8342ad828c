namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>One of issue 18's "Must show" bounds, checked on the suite's rows.</summary>
/// <param name="Bound">The bound, in words.</param>
/// <param name="Holds">Whether it holds on every row checked; <see langword="null"/> when no row is of the kind it speaks about.</param>
/// <param name="Checked">How many rows (or, for the overall means, set-ups of rows) it was checked on.</param>
/// <param name="Breaks">Where it does not hold, with the numbers ("helpful N=10: 2.3 points").</param>
public sealed record BoundCheck(string Bound, bool? Holds, int Checked, IReadOnlyList<string> Breaks)
{
    /// <summary>Gets "holds", "does not hold" or "not checked".</summary>
    public string Verdict => Holds switch { true => "holds", false => "does NOT hold", null => "not checked (no such row)" };
}
