using System.Diagnostics;
using System.Globalization;
using TransferLearning.Benchmarks.Quick;
using TransferLearning.Benchmarks.Workloads;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Torch;

// W1, W1a and W1i (DESIGN.md §7) against TorchSharp in one process: for each workload, both engines from the same
// weights over the same first examples in the stored order (the check that both do the same work), a warm-up epoch
// each, then N epochs each, alternating (ours, TorchSharp, ours, ...) so that the machine's noise hits both; the medians,
// their ratio and each against the float32 floor (GFLOP ÷ this machine's FMA peak). README.md says how to run it.
public static class Program
{
    private const string WaitPolicy = "OMP_WAIT_POLICY";

    // Relative difference of the losses and of each layer's parameters after the check's epoch, at most.
    private const double Agreement = 1e-3;

    // The check's epoch: the first 5,000 examples (40 steps at batch 128, 157 at 32). Enough to run every part of a
    // step (momentum, Adam's bias correction) many times; few enough that the training's chaos has not yet turned
    // float rounding into visible differences: after a whole epoch in the stored order our own two backends
    // (managed, OpenBLAS) end with weights 1e-2 apart (their losses 2e-5), and TorchSharp ends as far from ours.
    private const int CheckExamples = 5_000;

    public static int Main(string[] args)
    {
        var settings = TorchSettings.Parse(args, out string? error);
        if (settings is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(TorchSettings.Usage);
            return 2;
        }

        // libtorch's OpenMP threads spin between parallel regions unless told otherwise, taking the core our engine
        // (and the next libtorch step) needs on a 2-core machine. libgomp reads the variable when it loads, from the
        // process's environment, which .NET cannot change for native code: run again with it set.
        string? policy = Environment.GetEnvironmentVariable(WaitPolicy);
        if (policy is null)
        {
            Console.Error.WriteLine($"warning: {WaitPolicy} is not set (libtorch's threads would spin and slow both engines): running again with {WaitPolicy}=PASSIVE.");
            return RunAgainWith(WaitPolicy, "PASSIVE", args);
        }

        if (!string.Equals(policy, "PASSIVE", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"warning: {WaitPolicy}={policy}, not PASSIVE: libtorch's threads may spin; issue 21 asks for the ratio under PASSIVE.");
        }

        if (LibStdCxxCompat.Apply() is { } note)
        {
            Console.WriteLine(note);
        }

        TorchSharp.torch.set_num_threads(2);
        Console.WriteLine(Invariant($"TorchSharp comparison, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {MachineInfo.Cpu()}"));
        Console.WriteLine(Invariant($".NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch on the CPU, {TorchSharp.torch.get_num_threads()} threads, {WaitPolicy}={policy}); ours: the managed backend"));
        double? peak = FmaPeak.Width == "none" ? null : FmaPeak.Best(Environment.ProcessorCount);
        Console.WriteLine(peak is { } p
            ? Invariant($"FMA peak ({FmaPeak.Width}, {Environment.ProcessorCount} threads): {p:F0} GFLOP/s")
            : "FMA peak: no FMA vectors here, no floor");
        if (settings.Rows is { } rows)
        {
            Console.WriteLine(Invariant($"--rows {rows}: the first {rows:N0} examples of each set — a check that it runs, not a measurement."));
        }

        TorchSharp.torch.manual_seed(1);
        var results = new List<Result>();
        bool agree = true;
        foreach (string workload in settings.Workloads)
        {
            var data = Data(workload, settings);
            if (data is null)
            {
                continue;
            }

            var options = Options(workload);
            var network = TrainingWorkloadData.Mlp(ComputeBackend.Managed);
            using var torch = new TorchMlp(network, data, options);
            agree &= Check(workload, network, torch, data, options);
            new Trainer(options).Fit(network, data);   // the warm-up epoch of each
            torch.Epoch(shuffle: true, trackLoss: false);

            var ours = new List<double>();
            var theirs = new List<double>();
            for (int round = 0; round < settings.Epochs; round++)
            {
                ours.Add(Time(() => new Trainer(options).Fit(network, data)));
                theirs.Add(Time(() => torch.Epoch(shuffle: true, trackLoss: false)));
                Console.WriteLine(Invariant($"{workload} round {round + 1}: ours {ours[^1]:F3} s, TorchSharp {theirs[^1]:F3} s"));
            }

            results.Add(new Result(workload, workload == "W1i" ? "Fashion-MNIST train" : "uniform [0, 1)", data.Count, Median(ours), Median(theirs)));
        }

        Print(results, peak);
        if (!agree)
        {
            Console.WriteLine($"The engines disagree beyond {Agreement:0e0} (above): the times do not compare the same work.");
        }

        return agree ? 0 : 1;
    }

    // W1: SGD momentum 0.9, lr 0.01, batch 128 (TrainingWorkloadData.EpochOptions, which quick mode runs); W1a:
    // batch 32, Adam 1e-3; W1i: W1's.
    private static TrainingOptions Options(string workload) => workload == "W1a"
        ? TrainingWorkloadData.EpochOptions with { BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f } }
        : TrainingWorkloadData.EpochOptions;

    // W1 and W1a: quick mode's 60,000 uniform examples; W1i: Fashion-MNIST's training images, or null (and a
    // message) when they are not installed.
    private static Dataset? Data(string workload, TorchSettings settings)
    {
        Dataset all;
        if (workload == "W1i")
        {
            // --data alone when given; else FASHION_MNIST_DIR, then the Debian package's folder.
            string?[] candidates = settings.DataDirectory is { } given ? [given] : [Environment.GetEnvironmentVariable("FASHION_MNIST_DIR"), "/usr/share/datasets/fashion-mnist"];
            string? folder = candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d) && FashionMnist.FileNames.All(f => File.Exists(Path.Combine(d, f))));
            if (folder is null)
            {
                Console.WriteLine($"W1i skipped: Fashion-MNIST's four files are not in {string.Join(" or ", candidates.Where(d => !string.IsNullOrEmpty(d)))} (--data DIR, FASHION_MNIST_DIR, or apt-get install dataset-fashion-mnist).");
                return null;
            }

            all = FashionMnist.LoadFrom(folder).Train;
        }
        else
        {
            all = TrainingWorkloadData.Train;
        }

        return settings.Rows is { } rows && rows < all.Count ? all.Subset(Enumerable.Range(0, rows).ToArray()) : all;
    }

    // An epoch of both engines over the first CheckExamples examples, from the same weights, in the stored order:
    // the losses and every layer's parameters must agree to Agreement (relative); printed either way.
    private static bool Check(string workload, Network network, TorchMlp torch, Dataset data, TrainingOptions options)
    {
        var before = Enumerable.Range(0, network.DenseLayers.Count).Select(l => Ours(network, l)).ToArray();
        int examples = Math.Min(CheckExamples, data.Count);
        double torchLoss = torch.Epoch(shuffle: false, trackLoss: true, examples);
        var first = examples < data.Count ? data.Subset(Enumerable.Range(0, examples).ToArray()) : data;
        double ourLoss = new Trainer(options with { Shuffle = false }).Fit(network, first).Last.TrainLoss;
        double lossDifference = Math.Abs(ourLoss - torchLoss) / Math.Abs(ourLoss);
        var layers = new List<(double OfWeights, double OfChange)>();
        for (int l = 0; l < network.DenseLayers.Count; l++)
        {
            var (weight, bias) = torch.Parameters(l);
            float[] ours = Ours(network, l);
            float[] theirs = [.. weight, .. bias];
            layers.Add((Distance(ours, theirs) / Norm(ours), Distance(ours, theirs) / Distance(ours, before[l])));
        }

        bool agree = lossDifference <= Agreement && layers.All(d => d.OfWeights <= Agreement);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"check {workload}: an epoch over the first {examples:N0} examples ({(examples + options.BatchSize - 1) / options.BatchSize} steps) from the same weights in the stored order: loss {ourLoss:F5} ours, {torchLoss:F5} TorchSharp " +
            $"(relative difference {lossDifference:0.0e0}); parameters, |ours − TorchSharp| / |ours| per layer " +
            $"{string.Join(" / ", layers.Select(d => d.OfWeights.ToString("0.0e0", CultureInfo.InvariantCulture)))} " +
            $"(/ |the epoch's change|: {string.Join(" / ", layers.Select(d => d.OfChange.ToString("0.0e0", CultureInfo.InvariantCulture)))}): " +
            $"{(agree ? "agree" : "DISAGREE")} (≤ {Agreement:0e0})"));
        return agree;
    }

    // Layer l's weight (column-major) and bias, a copy.
    private static float[] Ours(Network network, int l) => [.. network.DenseLayers[l].Weight.Values, .. network.DenseLayers[l].Bias.Values];

    private static double Norm(float[] a) => Math.Sqrt(a.Sum(v => (double)v * v));

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Sum());

    private static double Time(Action epoch)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clock = Stopwatch.StartNew();
        epoch();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static void Print(List<Result> results, double? peak)
    {
        Console.WriteLine();
        if (results.Count == 0)
        {
            Console.WriteLine("Nothing measured.");
            return;
        }

        Console.WriteLine("| workload | data | examples | ours median | TorchSharp median | ours ÷ TorchSharp | GFLOP | floor | ours × floor | TorchSharp × floor |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            double gflop = TrainingFlops.EpochGflop(TrainingWorkloadData.Sizes, 0, r.Examples);
            string floor = peak is { } p ? Invariant($"{gflop / p:F3} s | {r.Ours / (gflop / p):F2}× | {r.Torch / (gflop / p):F2}×") : "— | — | —";
            Console.WriteLine(Invariant($"| {r.Workload} | {r.Data} | {r.Examples:N0} | {r.Ours:F3} s | {r.Torch:F3} s | {r.Ours / r.Torch:F2} | {gflop:F1} | {floor} |"));
        }

        // Issue 21's "Must show" for sparse training, on the whole training set.
        if (results.FirstOrDefault(r => r.Workload == "W1i" && r.Examples == TrainingWorkloadData.TrainCount) is { } images && peak is { } best)
        {
            double timesFloor = images.Ours / (TrainingFlops.EpochGflop(TrainingWorkloadData.Sizes, 0, images.Examples) / best);
            double ratio = images.Ours / images.Torch;
            Console.WriteLine(Invariant(
                $"issue 21, W1i: {timesFloor:F2}× the dense float32 floor (target ≤ 1.0: {(timesFloor <= 1.0 ? "met" : "not met")}), {ratio:F2}× TorchSharp (target ≤ 0.25: {(ratio <= 0.25 ? "met" : "not met")})"));
        }
    }

    private static int RunAgainWith(string variable, string value, string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Result(string Workload, string Data, int Examples, double Ours, double Torch);
}
