namespace TransferLearning.Benchmarks.Quick;

// One workload of the benchmark plan (G matrix products, W1 training epoch, W2 head-only epoch, W3
// inference, ...) as quick-mode cases. To add a workload: implement this interface and list it in
// QuickRunner.Workloads.
public interface IQuickWorkload
{
    // A short id used by --workload, such as "G" or "W1".
    string Id { get; }

    string Title { get; }

    // Whether a run without --workload includes it (long workloads run only when asked for by id).
    bool RunsByDefault => true;

    // The cases to time. Each case's setup runs once, before its first timed iteration.
    IEnumerable<QuickCase> CreateCases();
}

// One timed case: `Iteration` is what one sample times; `Metric` turns a median time in seconds into the
// reported figure (e.g. GFLOP/s, or seconds per epoch) in `Unit`.
public sealed record QuickCase(
    string Workload,
    string Case,
    string Backend,
    string Unit,
    bool HigherIsBetter,
    Action Setup,
    Action Iteration,
    Func<double, double> Metric)
{
    // Samples per round are chosen to take about this long (bounded by MinSamples and MaxSamples).
    public double TargetSecondsPerRound { get; init; } = 0.3;

    public int MinSamples { get; init; } = 3;

    public int MaxSamples { get; init; } = 200;

    public int Warmup { get; init; } = 2;

    // And warm-up iterations go on until this long has passed: a call of microseconds needs about 0.2 s of them
    // before .NET's tiered compilation has replaced its first, unoptimised code (200 calls of 10 µs take 2 ms).
    public double WarmupSeconds { get; init; }

    // Also report the bytes this thread allocated per iteration (after warm-up), for latency cases.
    public bool MeasureAllocations { get; init; }

    // The float32 GFLOP of one iteration's dense products (two per multiply-add, TrainingFlops), for a training case:
    // quick mode then prints its median as a multiple of its floor, GFLOP ÷ this machine's FMA peak (FmaPeak).
    public double? FloorGflop { get; init; }
}
