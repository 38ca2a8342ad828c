using System.Diagnostics;
using TransferLearning.Compute;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// `peak [managed|native] [epochs]`: a whole W1 process — make the 60,000 training examples, train the
// 784-512-256-10 network for the given epochs — then print the process's peak working set.
public static class PeakMemory
{
    public static int Run(ReadOnlySpan<string> args)
    {
        string which = args.Length > 0 ? args[0] : "managed";
        int epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var backend = which == "native" ? ComputeBackend.NativeBlas() : ComputeBackend.Managed;
        var clock = Stopwatch.StartNew();
        var network = TrainingWorkloadData.Mlp(backend);
        var history = new Trainer(TrainingWorkloadData.EpochOptions with { Epochs = epochs }).Fit(network, TrainingWorkloadData.Train);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"W1 process, {backend.Name}: {epochs} epoch(s) in {clock.Elapsed.TotalSeconds:F2} s " +
                          $"(last epoch {history.Last.Elapsed.TotalSeconds:F2} s); peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MB; " +
                          $"GC heap {GC.GetTotalMemory(false) / 1048576.0:F0} MB.");
        return 0;
    }
}
