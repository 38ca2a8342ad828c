using TransferLearning.Compute;
using TransferLearning.Inference;

namespace TransferLearning.Tests.Inference;

public class PackExamplesTests
{
    [SkippableTheory]
    [InlineData(nameof(GemmKernelKind.Scalar))]
    [InlineData(nameof(GemmKernelKind.Avx2))]
    [InlineData(nameof(GemmKernelKind.Avx512))]
    public void PackExamples_AnyShape_EqualsTheTransposeInPanelsWithZeroRows(string kernelName)
    {
        var kernel = Enum.Parse<GemmKernelKind>(kernelName);
        Skip.IfNot(ManagedComputeBackend.IsSupported(kernel), $"This CPU has no {kernelName}.");
        foreach (int n in new[] { 1, 7, 8, 9, 16, 31, 33, 64 })
        {
            foreach (int k in new[] { 1, 7, 8, 13, 64, 101 })
            {
                AssertPacked(kernel, n, k, ldx: k);       // rows of x exactly k long
                AssertPacked(kernel, n, k, ldx: k + 3);   // longer rows: only their first k values are read
            }
        }
    }

    private static unsafe void AssertPacked(GemmKernelKind kernel, int n, int k, int ldx)
    {
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        var x = Enumerable.Range(0, n * ldx).Select(i => (float)(i + 1)).ToArray();
        int panels = PackedBatchGemm.PanelsFor(kernel, n);
        int size = panels * mr * k;
        var packed = Enumerable.Repeat(float.NaN, size + 64).ToArray();   // 64 guard values after the panels

        fixed (float* px = x)
        fixed (float* pp = packed)
        {
            PackedBatchGemm.PackExamples(kernel, px, ldx, n, k, pp);
        }

        packed.AsSpan(size).ToArray().Should().OnlyContain(v => float.IsNaN(v), "nothing is written past the last panel ({0}, n {1}, k {2})", kernel, n, k);
        for (int q = 0; q < panels; q++)
        {
            for (int j = 0; j < k; j++)
            {
                for (int r = 0; r < mr; r++)
                {
                    int example = (q * mr) + r;
                    float expected = example < n ? x[(example * ldx) + j] : 0f;
                    packed[(q * mr * k) + (j * mr) + r].Should().Be(expected, "{0}, n {1}, k {2}, ldx {3}: panel {4}, feature {5}, row {6}", kernel, n, k, ldx, q, j, r);
                }
            }
        }
    }
}
