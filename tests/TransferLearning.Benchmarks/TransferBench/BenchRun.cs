namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>A run of the suite: when, where, how, and each set-up's rows; the bounds are checked on what it holds.</summary>
/// <param name="Started">When the run started (UTC).</param>
/// <param name="Cpu">The CPU model (from /proc/cpuinfo) and the cores the process sees.</param>
/// <param name="Runtime">The .NET runtime and the operating system.</param>
/// <param name="Settings">The run's settings.</param>
/// <param name="Complete">Whether every set-up asked for is in <paramref name="Setups"/> (a partial run is written after each set-up).</param>
/// <param name="ElapsedSeconds">Wall time so far.</param>
/// <param name="Setups">The set-ups measured so far, each with all its rows.</param>
/// <param name="NullChecks">The advisor on random-label and random-value targets (<see langword="null"/> in runs from before it was measured).</param>
public sealed record BenchRun(
    DateTimeOffset Started,
    string Cpu,
    string Runtime,
    BenchSettings Settings,
    bool Complete,
    double ElapsedSeconds,
    IReadOnlyList<BenchSetupResult> Setups,
    IReadOnlyList<BenchNullCheck>? NullChecks = null)
{
    /// <summary>Gets issue 18's "Must show" bounds checked on every row of the run (and on the null checks, when it has them).</summary>
    public IReadOnlyList<BoundCheck> Bounds => [.. BenchBounds.Check(Setups), .. NullChecks is null ? [] : BenchBounds.CheckNulls(NullChecks)];

    /// <summary>Gets the mean regret of Default over all rows, in points.</summary>
    public double DefaultMeanRegret => BenchBounds.MeanRegret(Setups.SelectMany(s => s.Rows), BenchRow.DefaultArm);

    /// <summary>Gets the mean regret of Auto over all rows, in points.</summary>
    public double AutoMeanRegret => BenchBounds.MeanRegret(Setups.SelectMany(s => s.Rows), BenchRow.AutoArm);
}
