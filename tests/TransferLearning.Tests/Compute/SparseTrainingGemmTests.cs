using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

/// <summary>The zero-skipping training products: the dense managed GEMM's sums, to the bit, in every shape.</summary>
/// <remarks>Not run beside other tests: the cases on two threads need the worker pool free.</remarks>
[Collection(nameof(AllocationSensitive))]
public class SparseTrainingGemmTests
{
    [SkippableTheory]
    [InlineData(512, 784, 128, 2)]   // W1's first layer: 11 row blocks (the last of 32 rows), 3 partial sums of 262 columns
    [InlineData(512, 784, 128, 1)]
    [InlineData(37, 70, 7, 1)]       // one padded row block; an odd batch: the last example alone
    [InlineData(100, 400, 5, 2)]     // two partial sums of 200 columns: blocks of 64, 64, 64 and 8
    [InlineData(1, 1, 1, 1)]
    [InlineData(48, 64, 2, 1)]       // exactly one block, one window
    public void Forward_EqualsTheDenseGemmToTheBit(int n, int k, int m, int threads)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var (w, x) = Case(n, k, k, m, zeroShare: 0.5, seed: n + k + m);
        var bias = Values(n * m, seed: 3, zeroShare: 0);
        var dense = (float[])bias.Clone();
        Backend(threads).Gemm(false, false, n, m, k, 1f, w, n, x, k, 1f, dense, n);
        var masks = new SparseInputMasks(k, m + 3);
        SparseTrainingGemm.Analyse(masks, x, m, always: true);

        var sparse = (float[])bias.Clone();
        SparseTrainingGemm.Forward(masks, w, x, sparse, threads);

        ShouldBeTheSameBits(sparse, dense, n);
    }

    [SkippableTheory]
    [InlineData(512, 784, 128, 2)]   // W1's first layer: 22 row blocks (the last of 8 rows), 196 groups of four inputs
    [InlineData(512, 784, 32, 1)]
    [InlineData(30, 10, 3, 1)]       // two groups and two inputs left over; a padded row block
    [InlineData(24, 4, 65, 2)]       // two words of examples per group
    [InlineData(7, 1, 1, 1)]
    [InlineData(50, 783, 384, 2)]    // the largest batch with one partial sum
    public void WeightGradient_EqualsTheDenseGemmToTheBit(int n, int k, int m, int threads)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var (dz, x) = Case(n, m, k, m, zeroShare: 0.5, seed: n * k + m);
        float alpha = 1f / m;
        var dense = Values(n * k, seed: 1, zeroShare: 0);   // overwritten (beta = 0)
        Backend(threads).Gemm(false, true, n, k, m, alpha, dz, n, x, k, 0f, dense, n);
        var masks = new SparseInputMasks(k, m);
        SparseTrainingGemm.Analyse(masks, x, m, always: true);

        var sparse = Values(n * k, seed: 2, zeroShare: 0);
        SparseTrainingGemm.WeightGradient(masks, dz, x, sparse, alpha, threads);

        ShouldBeTheSameBits(sparse, dense, n);
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
