namespace TransferLearning.Compute;

/// <summary>The pure .NET GEMM. Placeholder loop until the blocked SIMD kernel lands.</summary>
internal sealed class ManagedComputeBackend : ComputeBackend
{
    public static readonly ManagedComputeBackend Instance = new();

    private ManagedComputeBackend()
    {
    }

    public override string Name => "Managed";

    internal override void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[(i * lda) + p] : a[(p * lda) + i];
                    float bv = transposeB ? b[(p * ldb) + j] : b[(j * ldb) + p];
                    sum += av * bv;
                }

                int ci = (j * ldc) + i;
                c[ci] = beta == 0 ? alpha * sum : (alpha * sum) + (beta * c[ci]);
            }
        }
    }
}
