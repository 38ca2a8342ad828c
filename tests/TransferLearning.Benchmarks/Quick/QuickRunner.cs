using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TransferLearning.Benchmarks.Gemm;

namespace TransferLearning.Benchmarks.Quick;

// The stopwatch quick mode. Every case is run in a few rounds (cases in turn, with a pause between them
// so that one library's spinning threads do not slow the next), and the median of all samples is reported.
public static class QuickRunner
{
    private const int DefaultRounds = 3;

    public static IReadOnlyList<IQuickWorkload> Workloads { get; } =
    [
        new GemmQuickWorkload(),
        new GemmQuickWorkload(training: true),
        new Workloads.TrainingQuickWorkload(),
        new Workloads.ImageTrainingQuickWorkload(),
        new Workloads.InferenceQuickWorkload(),
        new Workloads.OnnxBodyQuickWorkload(),
        new Transfer.AutoCostQuickWorkload(perClass: 300),
        new Transfer.AutoCostQuickWorkload(perClass: 1000),
    ];

    public static int Run(ReadOnlySpan<string> args)
    {
        string jsonPath = "results-quick.json";
        int rounds = DefaultRounds;
        var selected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                case "--workload" when i + 1 < args.Length:
                    selected.Add(args[++i]);
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r > 0:
                    rounds = r;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: quick [--json path] [--workload ID]... [--rounds N]");
                    return 2;
            }
        }

        var workloads = Workloads.Where(w => selected.Count == 0 ? w.RunsByDefault : selected.Contains(w.Id)).ToList();
        foreach (IQuickWorkload workload in workloads)
        {
            Console.WriteLine($"{workload.Id,-3} {workload.Title}");
        }

        var cases = workloads.SelectMany(w => w.CreateCases()).ToList();
        if (cases.Count == 0)
        {
            Console.Error.WriteLine($"No workload matches. Known: {string.Join(", ", Workloads.Select(w => w.Id))}.");
            return 2;
        }

        Console.WriteLine($"Quick mode: {cases.Count} cases × {rounds} rounds on {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
        var samples = cases.Select(_ => new List<double>()).ToList();
        var allocated = new long[cases.Count];
        var total = Stopwatch.StartNew();
        foreach (QuickCase c in cases)
        {
            c.Setup();
        }

        // Before the first round, the setup's garbage collected and every latency case warmed once: otherwise the
        // process's start-up fell on the first case measured (W4's p99 in round 0 was 20–25 µs, in rounds 1 and 2
        // 10–12; the collection alone left it at 20 in one of two runs; with both, 10.7–11.5 in three).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        foreach (QuickCase c in cases.Where(c => c.WarmupSeconds > 0))
        {
            Warm(c);
        }

        // The FMA peak on every core, before the cases (each spins its own threads), when a case has a floor.
        double? peak = null;
        if (cases.Any(c => c.FloorGflop is not null) && FmaPeak.Width != "none")
        {
            peak = FmaPeak.Best(Environment.ProcessorCount);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FMA peak ({FmaPeak.Width}, {Environment.ProcessorCount} threads): {peak:F0} GFLOP/s"));
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < cases.Count; i++)
            {
                Thread.Sleep(150);
                allocated[i] += Measure(cases[i], samples[i]);
            }
        }

        var results = cases.Select((c, i) => QuickResult.From(c, samples[i], allocated[i])).ToList();
        PrintTable(results);
        if (peak is { } p)
        {
            PrintFloors(cases, results, p);
        }

        Console.WriteLine($"Total {total.Elapsed.TotalSeconds:F1} s.");
        WriteJson(jsonPath, results, rounds, peak, cases);
        Console.WriteLine($"Wrote {Path.GetFullPath(jsonPath)}");
        return 0;
    }

    // Times one round of a case; returns the bytes this thread allocated during its samples.
    private static long Measure(QuickCase c, List<double> samples)
    {
        Warm(c);

        samples.EnsureCapacity(samples.Count + c.MaxSamples);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        c.Iteration();
        double first = watch.Elapsed.TotalSeconds;
        samples.Add(first);
        int count = (int)Math.Clamp(c.TargetSecondsPerRound / Math.Max(first, 1e-9), c.MinSamples, c.MaxSamples);
        for (int s = 1; s < count; s++)
        {
            long start = Stopwatch.GetTimestamp();
            c.Iteration();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    }

    // A case's warm-up: its Warmup iterations, and at least WarmupSeconds.
    private static void Warm(QuickCase c)
    {
        var warmup = Stopwatch.StartNew();
        for (int w = 0; w < c.Warmup || warmup.Elapsed.TotalSeconds < c.WarmupSeconds; w++)
        {
            c.Iteration();
        }
    }

    private static void PrintTable(List<QuickResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"workload",-8} | {"case",-20} | {"backend",-42} | {"median",11} | {"min",11} | {"p99",11} | {"n",6} | {"B/call",7} | {"result",16} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 22)}|{new string('-', 44)}|{new string('-', 13)}|{new string('-', 13)}|{new string('-', 13)}|{new string('-', 8)}|{new string('-', 9)}|{new string('-', 18)}|");
        foreach (QuickResult r in results)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Workload,-8} | {r.Case,-20} | {r.Backend,-42} | {FormatTime(r.MedianSeconds),11} | {FormatTime(r.MinSeconds),11} | {FormatTime(r.P99Seconds),11} | {r.Samples,6} | {(r.BytesPerCall is { } b ? b.ToString("F0", CultureInfo.InvariantCulture) : "—"),7} | {r.Value,8:F2} {r.Unit,-7} |"));
        }
    }

    // Each training case's median against its float32 floor: GFLOP ÷ the FMA peak (the time of the dense products'
    // multiply-adds at the peak, nothing else).
    private static void PrintFloors(List<QuickCase> cases, List<QuickResult> results, double peak)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Float32 floors at the FMA peak of {peak:F0} GFLOP/s ({Environment.ProcessorCount} cores):"));
        Console.WriteLine($"| {"workload",-8} | {"case",-26} | {"backend",-42} | {"GFLOP",7} | {"floor",9} | {"median",9} | {"× floor",7} |");
        Console.WriteLine($"|{new string('-', 10)}|{new string('-', 28)}|{new string('-', 44)}|{new string('-', 9)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 9)}|");
        for (int i = 0; i < cases.Count; i++)
        {
            if (cases[i].FloorGflop is not { } gflop)
            {
                continue;
            }

            double floor = gflop / peak;
            QuickResult r = results[i];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Workload,-8} | {r.Case,-26} | {r.Backend,-42} | {gflop,7:F1} | {FormatTime(floor),9} | {FormatTime(r.MedianSeconds),9} | {r.MedianSeconds / floor,6:F2}× |"));
        }
    }

    private static string FormatTime(double seconds) => seconds switch
    {
        < 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:F1} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:F3} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:F3} s"),
    };

    private static void WriteJson(string path, List<QuickResult> results, int rounds, double? peak, List<QuickCase> cases)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using FileStream stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("timestamp", DateTimeOffset.UtcNow);
        writer.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        writer.WriteString("os", RuntimeInformation.OSDescription);
        writer.WriteNumber("processorCount", Environment.ProcessorCount);
        writer.WriteNumber("rounds", rounds);
        if (peak is { } fmaPeak)
        {
            writer.WriteNumber("fmaPeakGflops", fmaPeak);
            writer.WriteString("fmaWidth", FmaPeak.Width);
        }

        writer.WriteStartArray("results");
        for (int i = 0; i < results.Count; i++)
        {
            QuickResult r = results[i];
            writer.WriteStartObject();
            writer.WriteString("workload", r.Workload);
            writer.WriteString("case", r.Case);
            writer.WriteString("backend", r.Backend);
            writer.WriteNumber("samples", r.Samples);
            writer.WriteNumber("medianSeconds", r.MedianSeconds);
            writer.WriteNumber("minSeconds", r.MinSeconds);
            writer.WriteNumber("p99Seconds", r.P99Seconds);
            if (r.BytesPerCall is { } bytes)
            {
                writer.WriteNumber("bytesPerCall", bytes);
            }

            writer.WriteNumber("value", r.Value);
            writer.WriteString("unit", r.Unit);
            writer.WriteBoolean("higherIsBetter", r.HigherIsBetter);
            if (cases[i].FloorGflop is { } gflop && peak is { } best)
            {
                writer.WriteNumber("floorGflop", gflop);
                writer.WriteNumber("floorSeconds", gflop / best);
                writer.WriteNumber("timesFloor", r.MedianSeconds / (gflop / best));
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private sealed record QuickResult(
        string Workload, string Case, string Backend, int Samples, double MedianSeconds, double MinSeconds,
        double P99Seconds, double? BytesPerCall, double Value, string Unit, bool HigherIsBetter)
    {
        public static QuickResult From(QuickCase c, List<double> samples, long allocated)
        {
            double[] sorted = [.. samples.Order()];
            int n = sorted.Length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
            double p99 = sorted[Math.Min(n - 1, (int)Math.Ceiling(0.99 * n) - 1)];
            double? bytes = c.MeasureAllocations ? (double)allocated / n : null;
            return new QuickResult(c.Workload, c.Case, c.Backend, n, median, sorted[0], p99, bytes, c.Metric(median), c.Unit, c.HigherIsBetter);
        }
    }
}
