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

    public static int Run(bool imagesOnly = false)
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
        if (imagesOnly)
        {
            ProbeImages(kernel, mr, nr);
            return 0;
        }

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

        // The sparse small-batch product (SparseBatchGemm) on Fashion-MNIST test images, each layer on the previous
        // one's ReLU outputs (the W3-W5 network's weights); GFLOP/s counts every multiply-add of the dense product.
        if (SparseBatchGemm.IsSupportedFor(kernel) && TransferLearning.Samples.FashionMnistFolders.Find() is not null)
        {
            ProbeImages(kernel, mr, nr);
        }

        return 0;
    }

    // On the images: the union density of groups of g examples (the share of inputs a group's kernel must run,
    // per layer), then each layer dense and sparse at batches of 32 (W5) and 64 (a slice of W3), min and median.
    private static void ProbeImages(GemmKernelKind kernel, int mr, int nr)
    {
        var network = TrainingWorkloadData.Mlp(ComputeBackend.Default);
        var affine = network.Layers.OfType<TransferLearning.Networks.IAffineLayer>().ToArray();
        var sparse = new PackedWeights[3];
        var dense = new PackedWeights[3];
        for (int l = 0; l < 3; l++)
        {
            var a = affine[l];
            sparse[l] = PackedWeights.Pack(kernel, mr, a.Weight.Data.ToArray(), a.OutputSize, a.InputSize, a.Bias.Data.ToArray(), 1, 1);
            dense[l] = PackedWeights.Pack(kernel, nr, a.Weight.Data.ToArray(), a.OutputSize, a.InputSize, a.Bias.Data.ToArray(), 1, 1);
        }

        const int Count = 1024;
        var images = TransferLearning.Samples.FashionMnistFolders.Load().Test.FeatureData[..(Count * Inputs)];
        float* x = Floats(Count * Inputs);
        images.CopyTo(new Span<float>(x, Count * Inputs));
        float* h1 = Floats(Count * sparse[0].PaddedRows);
        float* h2 = Floats(Count * sparse[1].PaddedRows);
        float* h3 = Floats(Count * sparse[0].PaddedRows);
        float*[] inputs = [x, h1, h2];
        float*[] outputs = [h1, h2, h3];
        int[] lds = [Inputs, sparse[0].PaddedRows, sparse[1].PaddedRows];
        for (int l = 0; l < 3; l++)
        {
            SparseBatchGemm.Multiply(sparse[l], inputs[l], lds[l], Count, outputs[l], 0f, 1);
        }

        Console.WriteLine("| layer input | union density, groups of 1 | 2 | 4 | 6 | 8 | 16 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        for (int l = 0; l < 3; l++)
        {
            int k = sparse[l].Columns;
            var row = new List<string>();
            foreach (int g in new[] { 1, 2, 4, 6, 8, 16 })
            {
                long run = 0;
                for (int e0 = 0; e0 + g <= Count; e0 += g)
                {
                    for (int j = 0; j < k; j++)
                    {
                        bool any = false;
                        for (int e = e0; e < e0 + g && !any; e++)
                        {
                            any = inputs[l][((nint)e * lds[l]) + j] != 0f;
                        }

                        run += any ? 1 : 0;
                    }
                }

                row.Add($"{(double)run / (Count / g) / k:P0}");
            }

            Console.WriteLine($"| {k} ({(l == 0 ? "images" : "ReLU")}) | {string.Join(" | ", row)} |");
        }

        // No zeros: the sparse kernels' speed when they run every multiply-add (the mask all ones).
        float* ones = Floats(64 * Inputs);
        new Span<float>(ones, 64 * Inputs).Fill(0.5f);
        var (dOnes, _) = TimeMin(() => SparseBatchGemm.Multiply(sparse[0], ones, Inputs, 32, h3, 0f, 1));
        Console.WriteLine($"784 → 512, 32 examples without zeros, sparse kernel: {dOnes:F1} µs min, {2.0 * 32 * 512 * 784 / dOnes / 1e3:F0} GFLOP/s");

        float* packed = Floats(64 * Inputs);
        float* y0 = Floats(64 * 520);
        float* y1 = Floats(64 * 520);
        Console.WriteLine("| product | batch | threads | dense min µs | median | sparse min µs | median | sparse/dense (min) | sparse GFLOP/s run (min) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int batch in new[] { 32, 64 })
        {
            PackedBatchGemm.PackExamples(kernel, x, Inputs, batch, Inputs, packed);
            foreach (int threads in batch == 32 ? new[] { 1, 2 } : new[] { 1 })
            {
                for (int l = 0; l < 3; l++)
                {
                    var d = dense[l];
                    var w = sparse[l];
                    float* from = l == 0 ? packed : (l % 2 == 1 ? y0 : y1);
                    int fromStride = l == 0 ? mr * Inputs : mr * dense[l - 1].PaddedRows;
                    float* to = l % 2 == 0 ? y0 : y1;
                    int t = threads;
                    var (dMin, dMedian) = TimeMin(() => PackedBatchGemm.Multiply(d, from, fromStride, batch, to, 0f, t));
                    float* sx = inputs[l];
                    float* sy = outputs[l];
                    int ld = lds[l];
                    var (sMin, sMedian) = TimeMin(() => SparseBatchGemm.Multiply(w, sx, ld, batch, sy, 0f, t));
                    double runShare = UnionShare(sx, ld, w.Columns, batch, w.Rows >= 3 * mr ? 2 : 4);
                    double gflops = 2.0 * batch * w.Rows * w.Columns * runShare / sMin / 1e3;
                    Console.WriteLine($"| {w.Columns} → {w.Rows} | {batch} | {threads} | {dMin:F1} | {dMedian:F1} | {sMin:F1} | {sMedian:F1} | {sMin / dMin:F2} | {gflops:F0} |");
                }
            }
        }
    }

    // The share of a dense product's multiply-adds that groups of g examples run (their union of non-zero inputs).
    private static double UnionShare(float* x, int ld, int k, int n, int g)
    {
        long run = 0;
        for (int e0 = 0; e0 < n; e0 += g)
        {
            for (int j = 0; j < k; j++)
            {
                bool any = false;
                for (int e = e0; e < Math.Min(n, e0 + g) && !any; e++)
                {
                    any = x[((nint)e * ld) + j] != 0f;
                }

                run += any ? Math.Min(g, n - e0) : 0;
            }
        }

        return (double)run / ((long)n * k);
    }

    private static (double Min, double Median) TimeMin(Action body)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 200)
        {
            body();
        }

        var samples = new double[5_000];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        return (samples[0], samples[samples.Length / 2]);
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
