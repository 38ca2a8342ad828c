using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TransferLearning.Compute;

// Packs a block of op(A) or op(B) into the panel layout the micro-kernels read: panels of `w` lines
// (w = Mr rows of op(A), or Nr columns of op(B)), each panel stored k-major (its w values for k step 0,
// then for k step 1, ...), the last panel zero-padded to w lines. All four transpose cases reduce to two
// source layouts:
// - "contiguous": element (line x, step p) is at s[p·ld + x] (op(A) = A, or op(B) = Bᵀ stored n × k);
// - "strided":    element (line x, step p) is at s[x·ld + p] (op(A) = Aᵀ, or op(B) = B stored k × n).
internal static unsafe class GemmPacking
{
    // op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of TK.Mr rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PackA<TK>(bool transposeA, float* a, nint lda, int i0, int mc, int p0, int kc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        if (transposeA)
        {
            PackStrided(a, lda, i0, mc, p0, kc, TK.Mr, dst);
        }
        else
        {
            PackContiguous(a, lda, i0, mc, p0, kc, TK.Mr, dst);
        }
    }

    // op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of TK.Nr columns.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PackB<TK>(bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int nc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        if (transposeB)
        {
            PackContiguous(b, ldb, j0, nc, p0, kc, TK.Nr, dst);
        }
        else
        {
            PackStrided(b, ldb, j0, nc, p0, kc, TK.Nr, dst);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackContiguous(float* s, nint ld, int x0, int xc, int p0, int kc, int w, float* dst)
    {
        for (int x = 0; x < xc; x += w)
        {
            int width = Math.Min(w, xc - x);
            float* src = s + ((nint)p0 * ld) + x0 + x;
            if (width == w && Vector256.IsHardwareAccelerated && (w & 7) == 0)
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int e = 0; e < w; e += 8)
                    {
                        Vector256.Store(Vector256.Load(src + e), dst + e);
                    }

                    src += ld;
                    dst += w;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    int e = 0;
                    for (; e < width; e++)
                    {
                        dst[e] = src[e];
                    }

                    for (; e < w; e++)
                    {
                        dst[e] = 0;
                    }

                    src += ld;
                    dst += w;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrided(float* s, nint ld, int x0, int xc, int p0, int kc, int w, float* dst)
    {
        for (int x = 0; x < xc; x += w)
        {
            int width = Math.Min(w, xc - x);
            for (int e = 0; e < width; e++)
            {
                float* src = s + ((nint)(x0 + x + e) * ld) + p0;
                float* d = dst + e;
                for (int p = 0; p < kc; p++)
                {
                    d[(nint)p * w] = src[p];
                }
            }

            for (int e = width; e < w; e++)
            {
                float* d = dst + e;
                for (int p = 0; p < kc; p++)
                {
                    d[(nint)p * w] = 0;
                }
            }

            dst += (nint)kc * w;
        }
    }
}
