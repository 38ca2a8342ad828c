using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        bool simd = Vector256.IsHardwareAccelerated;
        for (int x = 0; x < xc; x += w)
        {
            int width = Math.Min(w, xc - x);
            float* src = s + ((nint)p0 * ld) + x0 + x;
            for (int p = 0; p < kc; p++)
            {
                int e = 0;
                if (simd)
                {
                    for (; e + 8 <= width; e += 8)
                    {
                        Vector256.Store(Vector256.Load(src + e), dst + e);
                    }

                    if (e + 4 <= width)
                    {
                        Vector128.Store(Vector128.Load(src + e), dst + e);
                        e += 4;
                    }
                }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackStrided(float* s, nint ld, int x0, int xc, int p0, int kc, int w, float* dst)
    {
        for (int x = 0; x < xc; x += w)
        {
            int width = Math.Min(w, xc - x);
            float* src = s + ((nint)(x0 + x) * ld) + p0;
            int e = 0;
            if (Avx.IsSupported)
            {
                for (; e + 8 <= width; e += 8)
                {
                    Transpose8Lines(src + (e * ld), ld, kc, w, dst + e);
                }

                for (; e + 4 <= width; e += 4)
                {
                    Transpose4Lines(src + (e * ld), ld, kc, w, dst + e);
                }
            }

            for (; e < width; e++)
            {
                float* line = src + (e * ld);
                float* d = dst + e;
                for (int p = 0; p < kc; p++)
                {
                    d[(nint)p * w] = line[p];
                }
            }

            for (; e < w; e++)
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

    // dst[p·w + e] = src[e·ld + p] for 8 lines e and every p < kc: 8 × 8 blocks through AVX shuffles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8Lines(float* src, nint ld, int kc, int w, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* s0 = src + p;
            Vector256<float> r0 = Avx.LoadVector256(s0);
            Vector256<float> r1 = Avx.LoadVector256(s0 + ld);
            Vector256<float> r2 = Avx.LoadVector256(s0 + (2 * ld));
            Vector256<float> r3 = Avx.LoadVector256(s0 + (3 * ld));
            Vector256<float> r4 = Avx.LoadVector256(s0 + (4 * ld));
            Vector256<float> r5 = Avx.LoadVector256(s0 + (5 * ld));
            Vector256<float> r6 = Avx.LoadVector256(s0 + (6 * ld));
            Vector256<float> r7 = Avx.LoadVector256(s0 + (7 * ld));

            Vector256<float> t0 = Avx.UnpackLow(r0, r1);
            Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3);
            Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5);
            Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7);
            Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
            Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
            Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
            Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
            Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

            float* d = dst + ((nint)p * w);
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + w, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + (2 * w), Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + (3 * w), Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + (4 * w), Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + (5 * w), Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + (6 * w), Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + (7 * w), Avx.Permute2x128(u3, u7, 0x31));
        }

        for (; p < kc; p++)
        {
            float* d = dst + ((nint)p * w);
            for (int e = 0; e < 8; e++)
            {
                d[e] = src[(e * ld) + p];
            }
        }
    }

    // dst[p·w + e] = src[e·ld + p] for 4 lines e and every p < kc: 4 × 4 blocks through SSE shuffles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4Lines(float* src, nint ld, int kc, int w, float* dst)
    {
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* s0 = src + p;
            Vector128<float> r0 = Sse.LoadVector128(s0);
            Vector128<float> r1 = Sse.LoadVector128(s0 + ld);
            Vector128<float> r2 = Sse.LoadVector128(s0 + (2 * ld));
            Vector128<float> r3 = Sse.LoadVector128(s0 + (3 * ld));

            Vector128<float> t0 = Sse.UnpackLow(r0, r1);
            Vector128<float> t1 = Sse.UnpackLow(r2, r3);
            Vector128<float> t2 = Sse.UnpackHigh(r0, r1);
            Vector128<float> t3 = Sse.UnpackHigh(r2, r3);

            float* d = dst + ((nint)p * w);
            Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
            Sse.Store(d + w, Sse.MoveHighToLow(t1, t0));
            Sse.Store(d + (2 * w), Sse.MoveLowToHigh(t2, t3));
            Sse.Store(d + (3 * w), Sse.MoveHighToLow(t3, t2));
        }

        for (; p < kc; p++)
        {
            float* d = dst + ((nint)p * w);
            for (int e = 0; e < 4; e++)
            {
                d[e] = src[(e * ld) + p];
            }
        }
    }
}
