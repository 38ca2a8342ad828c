using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

public class PackExamplesTests
{
    [SkippableTheory]
    [InlineData(nameof(GemmKernelKind.Scalar))]
    [InlineData(nameof(GemmKernelKind.Avx2))]
    [InlineData(nameof(GemmKernelKind.Avx512))]
    public unsafe void PackExamples_AnyShape_EqualsTheTransposeInPanelsWithZeroRows(string kernelName)
    {
        var kernel = Enum.Parse<GemmKernelKind>(kernelName);
        Skip.IfNot(ManagedComputeBackend.IsSupported(kernel), $"This CPU has no {kernelName}.");
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        foreach (int n in new[] { 1, 7, 8, 9, 16, 31, 33, 64 })
        {
            foreach (int k in new[] { 1, 7, 8, 13, 64, 101 })
            {
                int ldx = k + 3;   // rows of x longer than k: only the first k values of each are read
                var x = Enumerable.Range(0, n * ldx).Select(i => (float)(i + 1)).ToArray();
                int panels = PackedBatchGemm.PanelsFor(kernel, n);
                var packed = Enumerable.Repeat(float.NaN, panels * mr * k).ToArray();

                fixed (float* px = x)
                fixed (float* pp = packed)
                {
                    PackedBatchGemm.PackExamples(kernel, px, ldx, n, k, pp);
                }

                for (int q = 0; q < panels; q++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        for (int r = 0; r < mr; r++)
                        {
                            int example = (q * mr) + r;
                            float expected = example < n ? x[(example * ldx) + j] : 0f;
                            packed[(q * mr * k) + (j * mr) + r].Should().Be(expected, "{0}, n {1}, k {2}: panel {3}, feature {4}, row {5}", kernel, n, k, q, j, r);
                        }
                    }
                }
            }
        }
    }
}
