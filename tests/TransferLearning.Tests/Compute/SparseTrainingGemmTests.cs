using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

/// <summary>The zero-skipping training products, 256-bit and 512-bit: the dense managed GEMM's sums, to the bit, in every shape.</summary>
/// <remarks>Not run beside other tests: the cases on two threads need the worker pool free.</remarks>
[Collection(nameof(AllocationSensitive))]
public class SparseTrainingGemmTests
{
    public static TheoryData<int, int, int, int, double, bool> ForwardCases()
    {
        var data = new TheoryData<int, int, int, int, double, bool>();
        foreach (bool wide in new[] { false, true })
        {
            data.Add(512, 784, 128, 2, 0.5, wide); // W1's first layer: 8 row blocks, 3 partial sums of 262 columns (blocks of 64, 64, 64, 64 and 6)
            data.Add(512, 784, 128, 1, 0.5, wide);
            data.Add(37, 70, 7, 1, 0.5, wide); // one padded row block, an odd batch
            data.Add(100, 400, 5, 2, 0.5, wide); // two partial sums of 200 columns: blocks of 64, 64, 64 and 8
            data.Add(1, 1, 1, 1, 0.5, wide);
            data.Add(64, 64, 2, 1, 0.5, wide); // exactly one block, one window
            data.Add(131, 333, 67, 2, 0.8, wide); // odd sizes everywhere, a 3-row last block, windows straddling words
            data.Add(65, 130, 3, 2, 1.0, wide); // a batch all zero: Z keeps its bias
            data.Add(65, 130, 9, 2, 0.0, wide); // a batch with no zero: every term
            data.Add(129, 95, 5, 2, 0.5, wide); // 512-bit blocks: one of 128 rows and one of 1; columns in blocks of 32 and 31
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_EqualsTheDenseGemmToTheBit(int n, int k, int m, int threads, double zeroShare, bool wide)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        Skip.If(wide && !SparseTrainingGemm.IsWideSupported, "This CPU has no AVX-512: the 512-bit kernels cannot run here.");
        var (w, x) = Case(n, k, k, m, zeroShare, seed: n + k + m);
        var bias = Values(n * m, seed: 3, zeroShare: 0);
        var dense = (float[])bias.Clone();
        Backend(threads).Gemm(false, false, n, m, k, 1f, w, n, x, k, 1f, dense, n);
        var masks = new SparseInputMasks(k, m + 3);
        SparseTrainingGemm.Analyse(masks, x, m, always: true);

        var sparse = (float[])bias.Clone();
        SparseTrainingGemm.Forward(masks, w, x, sparse, threads, wide);

        ShouldBeTheSameBits(sparse, dense, n);
    }

    public static TheoryData<int, int, int, int, double, bool> GradientCases()
    {
        var data = new TheoryData<int, int, int, int, double, bool>();
        foreach (bool wide in new[] { false, true })
        {
            data.Add(512, 784, 128, 2, 0.5, wide); // W1's first layer: row blocks 4 × 48, 4 × 32, 4 × 48; 392 pairs of inputs
            data.Add(144, 37, 20, 2, 0.5, wide); // 3 × 32 then 48; an input left over
            data.Add(80, 6, 9, 1, 0.5, wide); // 32 then 48
            data.Add(512, 784, 32, 1, 0.5, wide);
            data.Add(30, 11, 3, 1, 0.5, wide); // five pairs and an input left over; a padded row block
            data.Add(48, 4, 65, 2, 0.5, wide); // two words of examples per pair, one whole row block
            data.Add(7, 1, 1, 1, 0.5, wide);
            data.Add(50, 783, 384, 2, 0.5, wide); // the largest batch with one partial sum
            data.Add(77, 129, 131, 2, 0.8, wide); // odd sizes everywhere
            data.Add(40, 9, 70, 2, 1.0, wide); // a batch all zero: dW is +0
            data.Add(40, 9, 70, 2, 0.0, wide); // a batch with no zero: every term
            data.Add(200, 17, 33, 2, 0.5, wide); // 512-bit blocks: three of 64 rows and one of 8; an input left over
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(GradientCases))]
    public void WeightGradient_EqualsTheDenseGemmToTheBit(int n, int k, int m, int threads, double zeroShare, bool wide)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        Skip.If(wide && !SparseTrainingGemm.IsWideSupported, "This CPU has no AVX-512: the 512-bit kernels cannot run here.");
        var (dz, x) = Case(n, m, k, m, zeroShare, seed: n * k + m);
        float alpha = 1f / m;
        var dense = Values(n * k, seed: 1, zeroShare: 0);   // overwritten (beta = 0)
        Backend(threads).Gemm(false, true, n, k, m, alpha, dz, n, x, k, 0f, dense, n);
        var masks = new SparseInputMasks(k, m);
        SparseTrainingGemm.Analyse(masks, x, m, always: true);

        var sparse = Values(n * k, seed: 2, zeroShare: 0);
        SparseTrainingGemm.WeightGradient(masks, dz, x, sparse, alpha, threads, wide);

        ShouldBeTheSameBits(sparse, dense, n);
    }

    [Fact]
    public unsafe void Analyse_CountsTheTermsEachProductRuns()
    {
        // 4 inputs × 3 examples: example 0 has inputs 0 and 3, example 1 none, example 2 input 1.
        float[] x = [1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0];
        var masks = new SparseInputMasks(4, 3);

        fixed (float* px = x)
        {
            masks.Analyse(px, 3, forwardLimit: 1, gradientLimit: 1, sampleFirst: false);
        }

        masks.ForwardWork.Should().BeApproximately(3.0 / 12, 1e-12, "three of twelve inputs are not zero");
        masks.GradientWork.Should().BeApproximately(3.0 / 6, 1e-12, "pairs (0, 1) and (2, 3) of example 0 and (0, 1) of example 2");
    }

    [Fact]
    public unsafe void Transpose_SwapsRowsAndColumnsOfA64By64BitMatrix()
    {
        var random = new Random(7);
        var bits = new ulong[64];
        for (int i = 0; i < 64; i++)
        {
            bits[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        }

        var transposed = (ulong[])bits.Clone();
        fixed (ulong* a = transposed)
        {
            SparseInputMasks.Transpose(a);
        }

        for (int i = 0; i < 64; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                ((transposed[j] >> i) & 1).Should().Be((bits[i] >> j) & 1, "row {0}, column {1}", i, j);
            }
        }
    }

    internal static ManagedComputeBackend Backend(int threads) =>
        new(ManagedComputeBackend.IsSupported(GemmKernelKind.Avx512) ? GemmKernelKind.Avx512 : GemmKernelKind.Avx2, threads);

    // W (or dZ): n × columns without zeros; X: k × m, a share of zeros in runs (as images' background).
    internal static (float[] A, float[] X) Case(int n, int columns, int k, int m, double zeroShare, int seed)
    {
        var a = Values(n * columns, seed, zeroShare: 0);
        var x = Values(k * m, seed + 1, zeroShare);
        return (a, x);
    }

    internal static float[] Values(int count, int seed, double zeroShare)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        // Runs of 1 to 12 zeros until the share is reached.
        int zeros = (int)(zeroShare * count);
        while (zeros > 0)
        {
            int start = random.Next(count);
            int run = Math.Min(zeros, 1 + random.Next(12));
            for (int i = start; i < Math.Min(count, start + run); i++)
            {
                zeros -= values[i] != 0f ? 1 : 0;
                values[i] = 0f;
            }
        }

        return values;
    }

    private static void ShouldBeTheSameBits(float[] actual, float[] expected, int rows)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                actual[i].Should().Be(expected[i], "row {0}, column {1} (bits differ: {2:X8} against {3:X8})", i % rows, i / rows, BitConverter.SingleToInt32Bits(actual[i]), BitConverter.SingleToInt32Bits(expected[i]));
                throw new Xunit.Sdk.XunitException($"row {i % rows}, column {i / rows}: {actual[i]:R} is -0/+0 against {expected[i]:R}");
            }
        }
    }
}
