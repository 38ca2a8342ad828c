using System.Runtime.InteropServices;

namespace TransferLearning.Compute;

// cblas_sgemm from a system BLAS (OpenBLAS, MKL, BLIS, Accelerate, ...), loaded at run time through
// NativeLibrary and called through an unmanaged function pointer: no allocation per call. The library is
// never unloaded (the backend may be in use for the life of the process).
internal sealed unsafe class NativeBlasComputeBackend : ComputeBackend
{
    private const int CblasColMajor = 102;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private NativeBlasComputeBackend(
        string libraryName,
        delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm)
    {
        LibraryName = libraryName;
        _sgemm = sgemm;
        Name = $"NativeBlas ({libraryName})";
    }

    public override string Name { get; }

    internal string LibraryName { get; }

    internal static IEnumerable<string> CandidateNames(string? libraryName)
    {
        if (libraryName is not null)
        {
            return [libraryName];
        }

        if (OperatingSystem.IsMacOS())
        {
            return ["/System/Library/Frameworks/Accelerate.framework/Accelerate"];
        }

        if (OperatingSystem.IsWindows())
        {
            return ["libopenblas.dll"];
        }

        return ["libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3"];
    }

    // The first candidate that loads and exports cblas_sgemm, or null. Never throws.
    internal static NativeBlasComputeBackend? TryLoad(string? libraryName)
    {
        foreach (string name in CandidateNames(libraryName))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                continue;
            }

            try
            {
                if (!NativeLibrary.TryLoad(name, typeof(NativeBlasComputeBackend).Assembly, null, out nint handle))
                {
                    continue;
                }

                if (NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint export) && export != 0)
                {
                    return new NativeBlasComputeBackend(
                        name,
                        (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)export);
                }

                NativeLibrary.Free(handle);
            }
            catch (Exception)
            {
                // Not a loadable library: try the next name.
            }
        }

        return null;
    }

    internal override void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pc = c)
        {
            if (k == 0)
            {
                // C ← beta·C. BLAS would do the same, but some implementations reject lda for a k = 0 operand.
                GemmScale.Apply(m, n, beta, pc, ldc);
                return;
            }

            fixed (float* pa = a)
            fixed (float* pb = b)
            {
                _sgemm(
                    CblasColMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            }
        }
    }
}
