using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.Workloads;

// `scale [--quick] [--rows N] [--memory-rows N] [--epochs N] [--dir DIR] [--keep]` — issue 21's "Scale" (W6 streaming):
// generate an N × 784 uint8 .npy file (10,000,000 rows = 7.8 GB; --quick: 1,000,000) and its uint8 labels, pretrain W1's
// 784-512-256-10 network from it (SGD momentum 0.9, lr 0.01, batch 128, the streaming shuffle), and report examples per
// second against the same training in memory (a Dataset of --memory-rows rows, default min(N, 250,000): 31 GB would not
// fit) and the peak resident memory besides the page cache (RssAnon; VmRSS includes the mapped file's pages). The data
// files are deleted afterwards unless --keep.
public static class ScaleBenchmark
{
    private const int Inputs = 784;
    private const int Classes = 10;

    public static int Run(ReadOnlySpan<string> args)
    {
        bool quick = args.Contains("--quick");
        long rows = Option(args, "--rows", quick ? 1_000_000 : 10_000_000);
        int memoryRows = (int)Option(args, "--memory-rows", Math.Min(rows, 250_000));
        int epochs = (int)Option(args, "--epochs", 1);
        string dir = Text(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "transferlearning-scale");
        bool keep = args.Contains("--keep");
        Directory.CreateDirectory(dir);
        string x = Path.Combine(dir, Invariant($"x-{rows}.npy"));
        string y = Path.Combine(dir, Invariant($"y-{rows}.npy"));
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 128, Optimizer = new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f }, Seed = 1 };
        Console.WriteLine(Invariant($"Scale: {rows:N0} × {Inputs} uint8 ({rows * Inputs / 1e9:F1} GB) in {dir}; CPU {MachineInfo.Cpu()}."));
        try
        {
            var clock = Stopwatch.StartNew();
            Generate(x, y, rows);
            Console.WriteLine(Invariant($"  generated in {clock.Elapsed.TotalSeconds:F1} s"));

            var (baseAnonymous, _) = ResidentMemory.Now();
            double streamed;
            long peakAnonymous;
            long peakResident;
            using (var source = NpySource.Open(x, y, classCount: Classes, scale: 1f / 255))
            using (var memory = new ResidentMemory())
            {
                clock.Restart();
                var pretrained = new TransferPipeline().PretrainFromSource(TrainingWorkloadData.Mlp(ComputeBackend.Managed), source, options);
                streamed = rows * epochs / clock.Elapsed.TotalSeconds;
                peakAnonymous = memory.PeakAnonymous;
                peakResident = memory.PeakResident;
                Console.WriteLine(Invariant($"  streamed:  {streamed,10:N0} examples/s ({rows * epochs:N0} in {clock.Elapsed.TotalSeconds:F1} s), last train loss {pretrained.History.Last.TrainLoss:F4}"));
            }

            Console.WriteLine(Invariant($"  resident besides the page cache (RssAnon): peak {peakAnonymous / 1048576.0:F0} MB (before training {baseAnonymous / 1048576.0:F0} MB); VmRSS peak {peakResident / 1048576.0:F0} MB incl. mapped pages"));

            Dataset inMemory;
            using (var source = NpySource.Open(x, y, classCount: Classes, scale: 1f / 255))
            {
                inMemory = source.Subset(Enumerable.Range(0, memoryRows).ToArray()).ToDataset();
            }

            clock.Restart();
            new Trainer(options).Fit(TrainingWorkloadData.Mlp(ComputeBackend.Managed), inMemory);
            double fitted = (double)memoryRows * epochs / clock.Elapsed.TotalSeconds;
            Console.WriteLine(Invariant($"  in memory: {fitted,10:N0} examples/s ({memoryRows:N0} rows as float32, Fit on the Dataset)"));
            Console.WriteLine(Invariant($"  streamed / in memory: {streamed / fitted:P0}"));
            return 0;
        }
        finally
        {
            if (!keep)
            {
                File.Delete(x);
                File.Delete(y);
            }
        }
    }

    // Uniform random pixels and labels (speed does not depend on their values), written 10,000 rows at a time.
    private static void Generate(string x, string y, long rows)
    {
        if (File.Exists(x) && File.Exists(y))
        {
            return; // kept from an earlier run (--keep)
        }

        var random = new Xoshiro256StarStar(21);
        var block = new byte[10_000 * Inputs];
        using (var stream = new FileStream(x, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            NpyFormat.Write(stream, "|u1", rows, Inputs);
            for (long done = 0; done < rows; done += 10_000)
            {
                int n = (int)Math.Min(10_000, rows - done);
                random.NextBytes(block);
                stream.Write(block, 0, n * Inputs);
            }
        }

        var labels = new byte[rows];
        for (long i = 0; i < rows; i++)
        {
            labels[i] = (byte)random.Next(Classes);
        }

        NpyFormat.Save<byte>(y, labels, rows);
    }

    private static long Option(ReadOnlySpan<string> args, string name, long fallback) =>
        Text(args, name) is { } text ? long.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(ReadOnlySpan<string> args, string name)
    {
        int at = args.IndexOf(name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
