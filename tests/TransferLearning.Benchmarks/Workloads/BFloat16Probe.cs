using System.Diagnostics;
using System.Globalization;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// `probe-bf16 [--rounds N] [--products] [--accuracy EPOCHS] [--only-bf16 | --only-float32] [--w1a] [--packing]`: issue 21's bfloat16 mode against float32 in one process.
// - W1 epochs (784-512-256-10, 60,000 uniform examples, batch 128, SGD), float32 and bfloat16 alternating, N rounds
//   (default 7): every epoch's time, the medians and minimums, and bfloat16's speed-up;
// - --products: W1's three product shapes at batch 128 (forward, dA, dW of the first layer), medians of 200 calls each;
// - --accuracy E: 784-512-256-10 trained E epochs (Adam 1e-3, batch 128, seed 1) on Fashion-MNIST's 60,000 training
//   images in float32 and in bfloat16, and each one's accuracy on the 10,000 test images.
public static class BFloat16Probe
{
    public static int Run(ReadOnlySpan<string> args)
    {
        int rounds = 7;
        int accuracyEpochs = 0;
        bool products = false;
        bool onlyBf16 = false;   // --only-bf16: W1 epochs in bfloat16 only (for a profiler)
        bool onlyFloat32 = false;   // --only-float32: W1 epochs in float32 only (for a profiler)
        bool adam = false;   // --w1a: W1a's epochs (batch 32, Adam 1e-3) instead of W1's
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--accuracy": accuracyEpochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--products": products = true; break;
                case "--only-bf16": onlyBf16 = true; break;
                case "--only-float32": onlyFloat32 = true; break;
                case "--w1a": adam = true; break;
                case "--optimizer-step": OptimizerStep(); return 0;
                case "--packing": Packing(); return 0;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.", nameof(args));
            }
        }

        Console.WriteLine($"CPU: {MachineInfo.Cpu()}, {Environment.ProcessorCount} cores");
        if (!ComputeBackend.IsBFloat16Supported)
        {
            try
            {
                ComputeBackend.ManagedBFloat16();
            }
            catch (PlatformNotSupportedException e)
            {
                Console.WriteLine($"bfloat16 is not supported here: {e.Message}");
            }

            return 0;
        }

        var float32 = ComputeBackend.Managed;
        var bfloat16 = ComputeBackend.ManagedBFloat16();
        if (products)
        {
            Console.WriteLine("Both cores:");
            Products(float32, bfloat16);
            Console.WriteLine("One core:");
            Products(new ManagedComputeBackend(ManagedComputeBackend.BestKernel(), 1), new ManagedComputeBackend(GemmKernelKind.Avx512Bf16, 1));
        }

        if (rounds > 0)
        {
            Epochs(onlyBf16 ? bfloat16 : float32, onlyFloat32 ? float32 : bfloat16, rounds, adam);
        }

        if (accuracyEpochs > 0)
        {
            Accuracy(float32, bfloat16, accuracyEpochs);
        }

        return 0;
    }

    // The optimisers' update of W1's 535,818 parameters alone: µs per step (median of 9 runs of 200 steps) on one
    // thread and on two.
    private static void OptimizerStep()
    {
        int length = TrainingWorkloadData.Sizes.Zip(TrainingWorkloadData.Sizes.Skip(1), (a, b) => (a + 1) * b).Sum();
        var random = new Random(1);
        foreach (var options in new OptimizerOptions[] { new AdamOptions { LearningRate = 1e-3f }, new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f } })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var p = new Parameter("w", length, 1, Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray());
                Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray().CopyTo(p.Gradient, 0);
                var optimizer = options.Create([new ParameterGroup([p])]);
                optimizer.UpdateThreads = threads;
                var times = new List<double>();
                for (int r = 0; r < 10; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    for (int s = 0; s < 200; s++)
                    {
                        optimizer.Step();
                    }

                    if (r > 0)
                    {
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / 200);
                    }
                }

                Console.WriteLine($"{options.GetType().Name}, {threads} thread(s): {Median(times):F1} µs per step of {length:N0} parameters ({Median(times) * 1000 / length:F3} ns each)");
            }
        }
    }

    private static void Epochs(ComputeBackend float32, ComputeBackend bfloat16, int rounds, bool adam)
    {
        var nets = new[] { TrainingWorkloadData.Mlp(float32), TrainingWorkloadData.Mlp(bfloat16) };
        var times = new[] { new List<double>(), new List<double>() };
        var trainer = new Trainer(adam
            ? TrainingWorkloadData.EpochOptions with { BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f } }
            : TrainingWorkloadData.EpochOptions);
        for (int b = 0; b < 2; b++)
        {
            trainer.Fit(nets[b], TrainingWorkloadData.Train);   // warm-up
        }

        for (int r = 0; r < rounds; r++)
        {
            for (int b = 0; b < 2; b++)
            {
                long start = Stopwatch.GetTimestamp();
                trainer.Fit(nets[b], TrainingWorkloadData.Train);
                times[b].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }

        string name = adam ? "W1a" : "W1";
        Console.WriteLine($"{name} epochs, alternating, {rounds} rounds (s): float32 {string.Join(" ", times[0].Select(F))}; bfloat16 {string.Join(" ", times[1].Select(F))}");
        double m32 = Median(times[0]), m16 = Median(times[1]);
        Console.WriteLine($"{name} median: float32 {F(m32)} s, bfloat16 {F(m16)} s, float32 / bfloat16 = {m32 / m16:F2}; minimums {F(times[0].Min())} / {F(times[1].Min())} = {times[0].Min() / times[1].Min():F2}");
    }

    private static unsafe void Products(ComputeBackend float32, ComputeBackend bfloat16)
    {
        (string Name, bool Ta, bool Tb, int M, int N, int K)[] shapes =
        [
            ("forward Z[1] = W[1]·A[0] (512 x 128 x 784)", false, false, 512, 128, 784),
            ("dA[0] = W[1]^T·dZ[1] (784 x 128 x 512)", true, false, 784, 128, 512),
            ("dW[1] = dZ[1]·A[0]^T (512 x 784 x 128)", false, true, 512, 784, 128),
            ("forward Z[2] = W[2]·A[1] (256 x 128 x 512)", false, false, 256, 128, 512),
            ("dA[1] = W[2]^T·dZ[2] (512 x 128 x 256)", true, false, 512, 128, 256),
            ("dW[2] = dZ[2]·A[1]^T (256 x 512 x 128)", false, true, 256, 512, 128),
        ];
        var random = new Random(3);
        foreach (var (name, ta, tb, m, n, k) in shapes)
        {
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            float[] c = new float[m * n];
            var medians = new double[2];
            var backends = new[] { float32, bfloat16 };
            for (int bi = 0; bi < 2; bi++)
            {
                var samples = new List<double>();
                for (int i = 0; i < 230; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    backends[bi].Gemm(ta, tb, m, n, k, 1f, a, ta ? k : m, b, tb ? n : k, 0f, c, m);
                    if (i >= 30)
                    {
                        samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }

                medians[bi] = Median(samples);
            }

            double gflop = 2.0 * m * n * k / 1e3;
            Console.WriteLine($"{name}: float32 {medians[0]:F1} µs ({gflop / medians[0]:F0} GFLOP/s), bfloat16 {medians[1]:F1} µs ({gflop / medians[1]:F0}), ratio {medians[0] / medians[1]:F2}");
        }
    }

    // Packing W[1] (512 × 784) as op(A) of the forward product, one thread: float32 panels against bfloat16 ones.
    private static unsafe void Packing()
    {
        const int m = 512, k = 784;
        float[] w = Enumerable.Range(0, m * k).Select(i => (float)Math.Sin(i)).ToArray();
        float[] f32 = new float[m * k + 64];
        uint[] b16 = new uint[m * (k / 2) + 64];
        var samples = new[] { new List<double>(), new List<double>(), new List<double>(), new List<double>() };
        fixed (float* pw = w)
        fixed (float* pf = f32)
        fixed (uint* pb = b16)
        {
            for (int r = 0; r < 300; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int ic = 0; ic < m; ic += 192)
                {
                    GemmPacking.PackA<Avx512MicroKernel>(false, pw, m, ic, Math.Min(192, m - ic), 0, k, pf);
                }

                long t1 = Stopwatch.GetTimestamp();
                for (int ic = 0; ic < m; ic += 192)
                {
                    TransferLearning.Compute.Bf16.Bf16Packing.PackA(false, pw, m, ic, Math.Min(192, m - ic), 0, k, pb);
                }

                long t2 = Stopwatch.GetTimestamp();
                for (int ic = 0; ic < m; ic += 192)
                {
                    GemmPacking.PackA<Avx512MicroKernel>(true, pw, k, ic, Math.Min(192, m - ic), 0, k, pf);
                }

                long t3 = Stopwatch.GetTimestamp();
                for (int ic = 0; ic < m; ic += 192)
                {
                    TransferLearning.Compute.Bf16.Bf16Packing.PackA(true, pw, k, ic, Math.Min(192, m - ic), 0, k, pb);
                }

                long t4 = Stopwatch.GetTimestamp();
                if (r >= 50)
                {
                    samples[0].Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
                    samples[1].Add((t2 - t1) * 1e6 / Stopwatch.Frequency);
                    samples[2].Add((t3 - t2) * 1e6 / Stopwatch.Frequency);
                    samples[3].Add((t4 - t3) * 1e6 / Stopwatch.Frequency);
                }
            }
        }

        double gb = m * k * 4 / 1e3;
        Console.WriteLine($"pack 512 x 784, contiguous: float32 {Median(samples[0]):F1} µs ({gb / Median(samples[0]):F1} GB/s read), bfloat16 {Median(samples[1]):F1} µs");
        Console.WriteLine($"pack 512 x 784, strided:    float32 {Median(samples[2]):F1} µs ({gb / Median(samples[2]):F1} GB/s read), bfloat16 {Median(samples[3]):F1} µs");
    }

    private static void Accuracy(ComputeBackend float32, ComputeBackend bfloat16, int epochs)
    {
        var data = TransferLearning.Samples.FashionMnistFolders.Load();
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = 1 };
        foreach (var backend in new[] { float32, bfloat16 })
        {
            var network = Network.Create(784, seed: 1).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(10, Activation.Softmax);
            network.TrainingBackend = backend;
            long start = Stopwatch.GetTimestamp();
            new Trainer(options).Fit(network, data.Train);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Evaluation evaluation = network.Evaluate(data.Test);
            Console.WriteLine($"Fashion-MNIST, {epochs} epochs, {backend.Name}: test accuracy {evaluation.Accuracy:P2} ({seconds:F1} s)");
        }
    }

    private static string F(double seconds) => seconds.ToString("F3", CultureInfo.InvariantCulture);

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
