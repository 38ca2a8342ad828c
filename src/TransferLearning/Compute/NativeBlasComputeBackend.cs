namespace TransferLearning.Compute;

/// <summary>cblas_sgemm from a system BLAS. Placeholder until the P/Invoke lands.</summary>
internal sealed class NativeBlasComputeBackend : ComputeBackend
{
    private NativeBlasComputeBackend()
    {
    }

    public override string Name => "NativeBlas";

    internal static IEnumerable<string> CandidateNames(string? libraryName) =>
        libraryName is null ? ["libopenblas.so.0"] : [libraryName];

    internal static ComputeBackend? TryLoad(string? libraryName) => null;

    internal override void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc) => throw new NotSupportedException();
}
