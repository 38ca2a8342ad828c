using BenchmarkDotNet.Running;
using TransferLearning.Benchmarks.Quick;

namespace TransferLearning.Benchmarks;

// With no arguments or BenchmarkDotNet's own (--filter, --list, ...): the BenchmarkDotNet suites.
// With `quick [--json path] [--workload ID]...`: a stopwatch run of every quick workload, printed as a
// table of medians and written as JSON, in well under two minutes.
// With `scale [--quick] [--rows N] [--dir DIR] [--keep]`: issue 21's W6, pretraining from an N × 784 uint8 .npy file (Workloads/ScaleBenchmark.cs).
// With `probe-kernels [images]`: the inference kernels one by one (Workloads/KernelProbe.cs); `images`: only the sparse products on Fashion-MNIST's test images.
// With `probe-bf16 [--rounds N] [--products] [--accuracy EPOCHS]`: the bfloat16 mode against float32 (Workloads/BFloat16Probe.cs).
// With `transferbench [--quick] [--out DIR] [--setup NAME]...`: issue 18's suite of transfer decisions (TransferBench/).
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
        {
            return QuickRunner.Run(args.AsSpan(1));
        }

        if (args.Length > 0 && args[0] == "transferbench")
        {
            return TransferBench.TransferBenchRunner.Run(args.AsSpan(1));
        }

        if (args.Length > 0 && args[0] == "scale")
        {
            return Workloads.ScaleBenchmark.Run(args.AsSpan(1));
        }

        if (args.Length > 0 && args[0] == "peak")
        {
            return Workloads.PeakMemory.Run(args.AsSpan(1));
        }

        if (args.Length > 0 && args[0] == "probe-kernels")
        {
            return Workloads.KernelProbe.Run(imagesOnly: args.Length > 1 && args[1] == "images");
        }

        if (args.Length > 0 && args[0] == "probe-bf16")
        {
            return Workloads.BFloat16Probe.Run(args.AsSpan(1));
        }

        if (args.Length > 0 && args[0] == "probe-pool")
        {
            return Workloads.PoolProbe.Run(args.AsSpan(1));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
