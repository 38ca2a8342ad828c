using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Benchmarks.Quick;
using TransferLearning.Compute;
using TransferLearning.Inference;

namespace TransferLearning.Benchmarks.Workloads;

// `probe-kernels`: the inference kernels one by one on the layers of 784-512-256-10, against the FMA peak of
// this machine (a loop of independent 512-bit FMAs on one thread and on every core): how close to the hardware
// the products run, and what a batch costs besides them. Medians of 20,000 calls after 0.4 s of warm-up each.
public static unsafe class KernelProbe
{
    private const int Inputs = 784;
    private static readonly int[] Layers = [784, 512, 256, 10];

    public static int Run()
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
        if (FmaPeak.Width != "none")
        {
            double one = FmaPeak.Measure(1);
            double all = FmaPeak.Measure(Environment.ProcessorCount);
            Console.WriteLine($"FMA peak ({FmaPeak.Width}): {one:F0} GFLOP/s on one thread, {all:F0} on {Environment.ProcessorCount}");
        }

        var kernel = ManagedComputeBackend.BestKernel();
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        var random = new Random(1);
        var oneExample = new PackedWeights[3];
        var batch = new PackedWeights[3];
        for (int l = 0; l < 3; l++)
        {
            var w = new float[Layers[l + 1] * Layers[l]];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
            }

            var b = new float[Layers[l + 1]];
            oneExample[l] = PackedWeights.Pack(kernel, mr, w, Layers[l + 1], Layers[l], b, 1, 1);
            batch[l] = PackedWeights.Pack(kernel, nr, w, Layers[l + 1], Layers[l], b, 1, 1);
        }

        const int Batch = 32;
        float* x = Floats(Batch * Inputs);
        for (int i = 0; i < Batch * Inputs; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        float* packed = Floats(Batch * Inputs);
        float* y0 = Floats(Batch * 520);
        float* y1 = Floats(Batch * 520);
        float* scratch = Floats(2 * Inputs);
        Console.WriteLine($"kernel {kernel}: one example ({mr}-row panels), a batch of {Batch} ({nr}-row panels)");
        Console.WriteLine("| product | threads | median µs | GFLOP/s | GB/s of weights |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int threads in new[] { 1, 2 })
        {
            float* input = x;
            for (int l = 0; l < 3; l++)
            {
                var w = oneExample[l];
                float* from = l == 0 ? x : (l % 2 == 1 ? y0 : y1);
                float* to = l % 2 == 0 ? y0 : y1;
                Report($"{w.Columns} → {w.Rows}, one example", threads, 1, w, Time(() => PackedGemm.Multiply(w, from, to, scratch, 0f, threads)));
            }
        }

        Report("pack 32 examples (transpose)", 1, 0, null, Time(() => PackedBatchGemm.PackExamples(kernel, x, Inputs, Batch, Inputs, packed)));
        PackedBatchGemm.PackExamples(kernel, x, Inputs, Batch, Inputs, packed);
        foreach (int threads in new[] { 1, 2 })
        {
            for (int l = 0; l < 3; l++)
            {
                var w = batch[l];
                float* from = l == 0 ? packed : (l % 2 == 1 ? y0 : y1);
                int fromStride = l == 0 ? mr * Inputs : mr * batch[l - 1].PaddedRows;
                float* to = l % 2 == 0 ? y0 : y1;
                Report($"{w.Columns} → {w.Rows}, batch of {Batch}", threads, Batch, w, Time(() => PackedBatchGemm.Multiply(w, from, fromStride, Batch, to, 0f, threads)));
            }
        }

        // The sparse small-batch product (SparseBatchGemm) on 32 Fashion-MNIST test images, each layer on the
        // previous one's ReLU outputs; GFLOP/s counts every multiply-add of the dense product.
        if (SparseBatchGemm.IsSupported && TransferLearning.Samples.FashionMnistFolders.Find() is not null)
        {
            var images = TransferLearning.Samples.FashionMnistFolders.Load().Test.FeatureData[..(Batch * Inputs)];
            for (int i = 0; i < images.Length; i++)
            {
                x[i] = images[i];
            }

            float* h1 = Floats(Batch * 512);
            float* h2 = Floats(Batch * 256);
            float* h3 = Floats(Batch * 32);
            float*[] inputs = [x, h1, h2];
            float*[] outputs = [h1, h2, h3];
            foreach (int threads in new[] { 1, 2 })
            {
                for (int l = 0; l < 3; l++)
                {
                    var w = oneExample[l];
                    float* from = inputs[l];
                    float* to = outputs[l];
                    int ld = l == 0 ? Inputs : oneExample[l - 1].PaddedRows;
                    Report($"{w.Columns} → {w.Rows}, batch of {Batch} images, zeros skipped", threads, Batch, w, Time(() => SparseBatchGemm.Multiply(w, from, ld, Batch, to, 0f, threads)));
                }
            }
        }

        return 0;
    }

    private static float* Floats(int count) => (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);

    private static void Report(string product, int threads, int examples, PackedWeights? w, double microseconds)
    {
        string gflops = w is null ? "—" : $"{2.0 * examples * w.Rows * w.Columns / microseconds / 1e3:F0}";
        string bandwidth = w is null ? "—" : $"{4.0 * w.PaddedRows * w.Columns / microseconds / 1e3:F0}";
        Console.WriteLine($"| {product} | {threads} | {microseconds:F2} | {gflops} | {bandwidth} |");
    }

    private static double Time(Action body)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 400)
        {
            body();
        }

        var samples = new double[20_000];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}
