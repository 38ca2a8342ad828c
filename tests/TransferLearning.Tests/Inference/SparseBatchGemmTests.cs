using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Inference;
using TransferLearning.Tests.Compute;

namespace TransferLearning.Tests.Inference;

/// <summary>The small-batch product that skips zero inputs: the sums of W·X + b, activated, in every shape.</summary>
/// <remarks>Not run beside other tests: some of its cases need the worker pool free.</remarks>
[Collection(nameof(AllocationSensitive))]
public class SparseBatchGemmTests
{
    [SkippableTheory]
    [InlineData(512, 784, 32, 1)]   // 784 → 512 at W5's batch: 4 blocks of 4 panels
    [InlineData(512, 784, 32, 2)]   // the same, its blocks shared with the worker pool
    [InlineData(256, 512, 7, 2)]    // an odd batch: the last example alone
    [InlineData(160, 100, 5, 1)]    // 5 panels: a block of 4 and one left over; 100 columns: a block of 64 and 36
    [InlineData(10, 37, 3, 1)]      // one padded panel; 37 columns: 16, 16 and a tail of 5
    [InlineData(33, 1, 2, 1)]       // one column
    [InlineData(70, 37, 2, 1)]      // three panels, none in a block of four
    [InlineData(100, 64, 9, 2)]     // four panels (a block), nine examples
    [InlineData(10, 256, 8, 1)]     // the last layer of 784-512-256-10
    public void Multiply_HalfZeroInputs_EqualsTheSumsInDoublePrecision(int rows, int k, int n, int threads)
    {
        Skip.If(Kernels.Length == 0, "This CPU has neither AVX-512 nor AVX2 with FMA.");
        foreach (var (kernel, slope) in Kernels.SelectMany(kernel => new[] { 0f, 0.1f, float.NaN }.Select(slope => (kernel, slope))))
        {
            var (w, b, x) = Case(rows, k, n, zeroShare: 0.5, seed: rows + k + n);

            var y = Run(kernel, w, b, rows, k, x, n, slope, threads);

            for (int e = 0; e < n; e++)
            {
                for (int r = 0; r < rows; r++)
                {
                    double z = b[r];
                    for (int j = 0; j < k; j++)
                    {
                        z += (double)w[(j * rows) + r] * x[(e * k) + j];
                    }

                    double expected = float.IsNaN(slope) || z > 0 ? z : z * slope;
                    y[e][r].Should().BeApproximately((float)expected, 2e-5f, "{5}: rows {0}, k {1}, example {2}, row {3}, slope {4}", rows, k, e, r, slope, kernel);
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData(float.NaN)]   // the identity: every sum as it is, negative ones too
    [InlineData(0.1f)]        // LeakyReLU
    [InlineData(0f)]          // ReLU
    public void Multiply_EqualsTheDenseBatchProductToTheBit(float slope)
    {
        // The same sums in the same order: a skipped term is exactly 0. 300 rows: on AVX-512 two blocks of four
        // panels, a full panel and one of 12 rows (Half8); on AVX2 (16-row panels) six blocks of three, a full
        // panel and one of 12 rows (Quad1); 200 columns: three blocks of 64 and one of 8. 44 rows on AVX2: a
        // panel of 16, one of 16 and one of 12; 8 rows: half a panel (Half8).
        Skip.If(Kernels.Length == 0, "This CPU has neither AVX-512 nor AVX2 with FMA.");
        foreach (var (kernel, rows) in Kernels.SelectMany(kernel => new[] { 300, 44, 8 }.Select(rows => (kernel, rows))))
        {
            SameBits(kernel, rows, slope);
        }
    }

    [SkippableTheory]
    [InlineData(100, 1, 0.5, 1)]     // one example (pairs with itself); columns 64 + 36
    [InlineData(300, 3, 0.5, 1)]     // an odd batch; 300 rows: blocks of panels and a partial panel
    [InlineData(300, 33, 0.0, 1)]    // no zeros: every column of every block, each pair's loop two columns at a time
    [InlineData(70, 13, 1.0, 1)]     // every input zero: bias and activation alone
    [InlineData(785, 64, 0.5, 2)]    // W3's slice, 785 inputs (a block of 17 columns), the worker pool sharing the blocks
    [InlineData(129, 7, 0.9, 1)]     // mostly zero: columns in a block odd and even in number
    [InlineData(1, 9, 0.3, 1)]       // one column
    public void Multiply_EdgeCases_EqualTheDenseBatchProductToTheBit(int k, int n, double zeroShare, int threads)
    {
        // The masks of pairs are built once per product and read by every row block (and ORed for groups of four
        // and eight), and the pair kernel runs two columns per iteration: neither may change a bit of any sum.
        Skip.If(Kernels.Length == 0, "This CPU has neither AVX-512 nor AVX2 with FMA.");
        foreach (var kernel in Kernels)
        {
            foreach (int rows in new[] { 300, 44, 10 })
            {
                var (w, b, x) = Case(rows, k, n, zeroShare, seed: 11);
                if (n > 2)
                {
                    x.AsSpan(k, k).Clear();   // example 1 all zero beside a partner that is not
                }

                ShouldBeSameBits(Run(kernel, w, b, rows, k, x, n, 0f, threads), Dense(kernel, w, b, rows, k, x, n, 0f), kernel, rows);
            }
        }
    }

    private static void SameBits(GemmKernelKind kernel, int Rows, float slope)
    {
        const int K = 200, N = 32;
        var (w, b, x) = Case(Rows, K, N, zeroShare: 0.6, seed: 5);

        ShouldBeSameBits(Run(kernel, w, b, Rows, K, x, N, slope, threads: 1), Dense(kernel, w, b, Rows, K, x, N, slope), kernel, Rows);
    }

    private static void ShouldBeSameBits(float[][] sparse, float[][] dense, GemmKernelKind kernel, int rows)
    {
        for (int e = 0; e < sparse.Length; e++)
        {
            for (int r = 0; r < rows; r++)
            {
                float s = sparse[e][r], d = dense[e][r];
                if (s != 0f || d != 0f)   // a zero sum's sign may differ; any other bit may not
                {
                    BitConverter.SingleToInt32Bits(s).Should().Be(BitConverter.SingleToInt32Bits(d), "{4}, {5} rows: example {0}, row {1}: {2} against {3}", e, r, s, d, kernel, rows);
                }
            }
        }
    }

    [SkippableTheory]
    [InlineData(128, 3)]   // AVX-512: one block of four panels (Pair4); AVX2: two blocks of three and two panels
    [InlineData(64, 5)]    // AVX-512: two single panels (Quad1); AVX2: a block of three and a panel
    [InlineData(10, 9)]    // one panel of 10 rows (AVX-512: Half8), on AVX2 of 7 (Half8)
    public void Multiply_RowsPastTheLayer_AreActivatedZeros_AndNothingPastTheOutputIsWritten(int rows, int n)
    {
        Skip.If(Kernels.Length == 0, "This CPU has neither AVX-512 nor AVX2 with FMA.");
        foreach (var kernel in Kernels)
        {
            RowsPastTheLayer(kernel, rows, n);
        }
    }

    private static void RowsPastTheLayer(GemmKernelKind kernel, int rows, int n)
    {
        var (w, b, x) = Case(rows - 3, 70, n, zeroShare: 0.5, seed: 2);   // 3 rows short of whole panels
        var packed = PackedWeights.Pack(kernel, ManagedComputeBackend.TileOf(kernel).Mr, w, rows - 3, 70, b, 1, 1);
        int ld = packed.PaddedRows;
        var y = Enumerable.Repeat(float.NaN, (n * ld) + 16).ToArray();

        unsafe
        {
            fixed (float* px = x)
            fixed (float* py = y)
            {
                SparseBatchGemm.Multiply(packed, px, 70, n, py, 0f, 1);
            }
        }

        for (int e = 0; e < n; e++)
        {
            y.AsSpan(e * ld, rows - 3).ToArray().Should().OnlyContain(v => v >= 0f, "example {0}'s outputs are ReLU'd", e);
            y.AsSpan((e * ld) + rows - 3, ld - rows + 3).ToArray().Should().OnlyContain(v => v == 0f, "example {0}'s padding rows are ReLU(0 + 0)", e);
        }

        y.AsSpan(n * ld).ToArray().Should().OnlyContain(v => float.IsNaN(v));
    }

    [Theory]
    [InlineData(100, 2)]   // 6 vectors of 16 and a tail of 4, one pair
    [InlineData(16, 4)]
    [InlineData(7, 3)]     // the tail alone; the third example pairs with itself
    [InlineData(20, 1)]    // one example (a slice of one): it pairs with itself
    [InlineData(40, 8)]    // four pairs: the whole sample
    [InlineData(40, 30)]   // only the first eight examples are counted
    public unsafe void SharesEnoughZeros_TellsSparseFromASixthOfZerosSharedByTheFirstFourPairs(int k, int n)
    {
        int examples = Math.Min(n, 8);
        int pairs = (examples + 1) / 2;
        int needed = ((k * pairs) + 5) / 6;   // shared zeros that make a sixth of the sample
        var x = Enumerable.Repeat(1f, k * n).ToArray();
        for (int e = 8; e < n; e++)
        {
            Array.Clear(x, e * k, k);   // zeros past the sample change nothing
        }

        int placed = 0;
        for (int e = 0; e < examples && placed < needed - 1; e += 2)
        {
            for (int j = k - 1; j >= 0 && placed < needed - 1; j--)   // from the end: the tails first
            {
                x[(e * k) + j] = 0f;
                if (e + 1 < examples)
                {
                    x[((e + 1) * k) + j] = 0f;
                }

                placed++;
            }
        }

        fixed (float* px = x)
        {
            SparseBatchGemm.SharesEnoughZeros(px, k, n).Should().BeFalse("{0} of {1} pair columns are zero in both", needed - 1, k * pairs);
            int free = Array.IndexOf(x, 1f);   // example 0 (and 1) at the first column still non-zero
            x[free] = 0f;
            if (examples > 1)
            {
                x[k + free] = 0f;
            }

            SparseBatchGemm.SharesEnoughZeros(px, k, n).Should().BeTrue("{0} of {1} are", needed, k * pairs);
        }
    }

    [Fact]
    public unsafe void SharesEnoughZeros_ZerosInOneExampleOfEachPair_AreNotSparse()
    {
        // Half the inputs zero, but never in both examples of a pair: the sparse product would skip nothing.
        var x = Enumerable.Range(0, 4 * 64).Select(i => (i / 64) % 2 == 0 ? 0f : 1f).ToArray();
        fixed (float* px = x)
        {
            SparseBatchGemm.SharesEnoughZeros(px, 64, 4).Should().BeFalse();
        }
    }

    [SkippableTheory]
    [InlineData(128, 50, 3, 1)]   // one block of four panels (Pair4); the third example pairs with itself
    [InlineData(64, 50, 5, 1)]    // two single panels (Quad1)
    [InlineData(10, 50, 9, 1)]    // one panel of 10 rows (Half8)
    [InlineData(10, 7, 3, 1)]     // fewer inputs than a vector: the tail alone
    [InlineData(512, 100, 21, 2)] // four blocks shared with the worker pool (512 · 100 · 21 ≥ its threshold)
    public void Multiply_CheckFinite_FindsNaNAndInfinityAnywhereInTheInputs(int rows, int k, int n, int threads)
    {
        // The first row block reads every input for its masks and tests them there: every position, in the
        // vectors of 16 (or 8) and in the tail (50 = 3 × 16 + 2; 100 = 6 × 16 + 4), in every example.
        Skip.If(Kernels.Length == 0, "This CPU has neither AVX-512 nor AVX2 with FMA.");
        foreach (var kernel in Kernels)
        {
            CheckFinite(kernel, rows, k, n, threads);
        }
    }

    private static unsafe void CheckFinite(GemmKernelKind kernel, int rows, int k, int n, int threads)
    {
        var (w, b, x) = Case(rows, k, n, zeroShare: 0.5, seed: rows + n);
        var packed = PackedWeights.Pack(kernel, ManagedComputeBackend.TileOf(kernel).Mr, w, rows, k, b, 1, 1);
        var y = new float[n * packed.PaddedRows];
        var bad = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        long workerParts = GemmWorkerPool.Shared.WorkerJobs;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            SparseBatchGemm.Multiply(packed, px, k, n, py, 0f, threads, checkFinite: true).Should().BeTrue("every input is finite");
            for (int at = 0; at < k * n; at++)
            {
                float kept = x[at];
                x[at] = bad[at % 3];
                SparseBatchGemm.Multiply(packed, px, k, n, py, 0f, threads, checkFinite: true).Should().BeFalse("{0} at example {1}, input {2}", x[at], at / k, at % k);
                SparseBatchGemm.Multiply(packed, px, k, n, py, 0f, threads).Should().BeTrue("without checkFinite nothing is tested");
                x[at] = kept;
            }
        }

        if (threads > 1 && GemmWorkerPool.Shared.WorkerCount > 0)
        {
            GemmWorkerPool.Shared.WorkerJobs.Should().BeGreaterThan(workerParts, "the worker took blocks of these {0} products", 2 * k * n);
        }
    }

    private static (float[] W, float[] B, float[] X) Case(int rows, int k, int n, double zeroShare, int seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var w = Enumerable.Range(0, rows * k).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var x = Enumerable.Range(0, k * n).Select(_ => random.NextDouble() < zeroShare ? 0f : (float)random.NextDouble()).ToArray();
        return (w, b, x);
    }

    // The sparse kernels this CPU runs: AVX-512 (where it is on) and AVX2.
    internal static GemmKernelKind[] Kernels { get; } =
        [.. new[] { GemmKernelKind.Avx512, GemmKernelKind.Avx2 }.Where(SparseBatchGemm.IsSupportedFor)];

    private static unsafe float[][] Run(GemmKernelKind kernel, float[] w, float[] b, int rows, int k, float[] x, int n, float slope, int threads)
    {
        var packed = PackedWeights.Pack(kernel, ManagedComputeBackend.TileOf(kernel).Mr, w, rows, k, b, 1, 1);
        var y = new float[n * packed.PaddedRows];
        fixed (float* px = x)
        fixed (float* py = y)
        {
            SparseBatchGemm.Multiply(packed, px, k, n, py, slope, threads);
        }

        return Enumerable.Range(0, n).Select(e => y.AsSpan(e * packed.PaddedRows, rows).ToArray()).ToArray();
    }

    // The dense small-batch product (Yᵀ = Xᵀ·Wᵀ on Nr-row panels: 12 on AVX-512, 6 on AVX2).
    private static unsafe float[][] Dense(GemmKernelKind kernel, float[] w, float[] b, int rows, int k, float[] x, int n, float slope)
    {
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        var packed = PackedWeights.Pack(kernel, nr, w, rows, k, b, 1, 1);
        int panels = PackedBatchGemm.PanelsFor(kernel, n);
        var input = new float[panels * mr * k];
        var y = new float[panels * mr * packed.PaddedRows];
        var output = new float[n * rows];
        fixed (float* px = x)
        fixed (float* pi = input)
        fixed (float* py = y)
        fixed (float* po = output)
        {
            PackedBatchGemm.PackExamples(kernel, px, k, n, k, pi);
            PackedBatchGemm.Multiply(packed, pi, mr * k, n, py, slope, 1);
            PackedBatchGemm.UnpackExamples(kernel, py, mr * packed.PaddedRows, n, rows, po, rows);
        }

        return Enumerable.Range(0, n).Select(e => output.AsSpan(e * rows, rows).ToArray()).ToArray();
    }
}
