using System.Diagnostics;
using System.Globalization;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// `probe-bf16 [--rounds N] [--products] [--accuracy EPOCHS]`: issue 21's bfloat16 mode against float32 in one process.
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
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--accuracy": accuracyEpochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--products": products = true; break;
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
            Products(float32, bfloat16);
        }

        if (rounds > 0)
        {
            Epochs(float32, bfloat16, rounds);
        }

        if (accuracyEpochs > 0)
        {
            Accuracy(float32, bfloat16, accuracyEpochs);
        }

        return 0;
    }

    private static void Epochs(ComputeBackend float32, ComputeBackend bfloat16, int rounds)
    {
        var nets = new[] { TrainingWorkloadData.Mlp(float32), TrainingWorkloadData.Mlp(bfloat16) };
        var times = new[] { new List<double>(), new List<double>() };
        var trainer = new Trainer(TrainingWorkloadData.EpochOptions);
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

        Console.WriteLine($"W1 epochs, alternating, {rounds} rounds (s): float32 {string.Join(" ", times[0].Select(F))}; bfloat16 {string.Join(" ", times[1].Select(F))}");
        double m32 = Median(times[0]), m16 = Median(times[1]);
        Console.WriteLine($"W1 median: float32 {F(m32)} s, bfloat16 {F(m16)} s, float32 / bfloat16 = {m32 / m16:F2}; minimums {F(times[0].Min())} / {F(times[1].Min())} = {times[0].Min() / times[1].Min():F2}");
    }

    private static unsafe void Products(ComputeBackend float32, ComputeBackend bfloat16)
    {
        (string Name, bool Ta, bool Tb, int M, int N, int K)[] shapes =
        [
            ("forward Z[1] = W[1]·A[0] (512 x 128 x 784)", false, false, 512, 128, 784),
            ("dA[0] = W[1]^T·dZ[1] (784 x 128 x 512)", true, false, 784, 128, 512),
            ("dW[1] = dZ[1]·A[0]^T (512 x 784 x 128)", false, true, 512, 784, 128),
            ("forward Z[2] = W[2]·A[1] (256 x 128 x 512)", false, false, 256, 128, 512),
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
