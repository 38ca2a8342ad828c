using System.Runtime.InteropServices;

namespace TransferLearning.Benchmarks.Gemm;

// The reference: the system OpenBLAS's cblas_sgemm called directly, independent of the library's loader.
internal static unsafe partial class SystemOpenBlas
{
    public const string Library = "libopenblas.so.0";

    private const int ColMajor = 102;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<bool> LazyAvailable = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out nint handle))
        {
            return false;
        }

        return NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _);
    });

    public static bool IsAvailable => LazyAvailable.Value;

    // Column-major C ← alpha·op(A)·op(B) + beta·C.
    public static void Sgemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            CblasSgemm(
                ColMajor, transposeA ? Trans : NoTrans, transposeB ? Trans : NoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    private static partial void CblasSgemm(
        int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);
}
