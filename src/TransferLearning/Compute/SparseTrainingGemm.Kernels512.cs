using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute;

// The 512-bit register kernels of SparseTrainingGemm, for the backends whose dense products run the AVX-512 kernel:
// one example on 128 rows of W (forward: eight accumulators, as the 256-bit kernel's eight on 64 rows), and a pair of
// inputs (or one) on 64 rows of dZ (weight gradient: eight). The same chains of fused multiply-adds as the 256-bit
// kernels, element by element: the same bits.
internal static unsafe partial class SparseTrainingGemm
{
    // As ForwardOne, on 128 rows (`panel` holds 128 rows per column).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardOne512(float* panel, float* x, ulong mask, int k0, float* s, bool first)
    {
        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = default;
        }
        else
        {
            c0 = Vector512.Load(s);
            c1 = Vector512.Load(s + 16);
            c2 = Vector512.Load(s + 32);
            c3 = Vector512.Load(s + 48);
            c4 = Vector512.Load(s + 64);
            c5 = Vector512.Load(s + 80);
            c6 = Vector512.Load(s + 96);
            c7 = Vector512.Load(s + 112);
        }

        float* xk = x + k0;
        float* pk = panel + ((nint)k0 * WideForwardRows);
        while (mask != 0)
        {
            nint col = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var u = Vector512.Create(xk[col]);
            float* a = pk + (col * WideForwardRows);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a), u, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 16), u, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 32), u, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 48), u, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 64), u, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 80), u, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 96), u, c6);
            c7 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 112), u, c7);
        }

        Vector512.Store(c0, s);
        Vector512.Store(c1, s + 16);
        Vector512.Store(c2, s + 32);
        Vector512.Store(c3, s + 48);
        Vector512.Store(c4, s + 64);
        Vector512.Store(c5, s + 80);
        Vector512.Store(c6, s + 96);
        Vector512.Store(c7, s + 112);
    }

    // As GradientPair, on 64 rows (`dz` holds 64 rows per example).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientPair512(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw, nint ldw)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            nint base0 = (nint)w * 64;
            while (bits != 0)
            {
                nint e = base0 + (nint)Bmi1.X64.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + (e * WideGradientRows);
                float* xe = x + (e * k);
                var s = Vector512.Create(xe[0]);
                var t = Vector512.Create(xe[1]);
                var v0 = Vector512.Load(v);
                c0 = Avx512F.FusedMultiplyAdd(v0, s, c0);
                d0 = Avx512F.FusedMultiplyAdd(v0, t, d0);
                var v1 = Vector512.Load(v + 16);
                c1 = Avx512F.FusedMultiplyAdd(v1, s, c1);
                d1 = Avx512F.FusedMultiplyAdd(v1, t, d1);
                var v2 = Vector512.Load(v + 32);
                c2 = Avx512F.FusedMultiplyAdd(v2, s, c2);
                d2 = Avx512F.FusedMultiplyAdd(v2, t, d2);
                var v3 = Vector512.Load(v + 48);
                c3 = Avx512F.FusedMultiplyAdd(v3, s, c3);
                d3 = Avx512F.FusedMultiplyAdd(v3, t, d3);
            }
        }

        var a = Vector512.Create(alpha);
        StoreScaled(c0, c1, c2, c3, a, dw);
        StoreScaled(d0, d1, d2, d3, a, dw + ldw);
    }

    // As GradientOne, on 64 rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientOne512(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            nint base0 = (nint)w * 64;
            while (bits != 0)
            {
                nint e = base0 + (nint)Bmi1.X64.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + (e * WideGradientRows);
                var s = Vector512.Create(x[e * k]);
                c0 = Avx512F.FusedMultiplyAdd(Vector512.Load(v), s, c0);
                c1 = Avx512F.FusedMultiplyAdd(Vector512.Load(v + 16), s, c1);
                c2 = Avx512F.FusedMultiplyAdd(Vector512.Load(v + 32), s, c2);
                c3 = Avx512F.FusedMultiplyAdd(Vector512.Load(v + 48), s, c3);
            }
        }

        StoreScaled(c0, c1, c2, c3, Vector512.Create(alpha), dw);
    }

    // The dense driver's α·S (beta = 0), 64 values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3, Vector512<float> alpha, float* dw)
    {
        Vector512.Store(c0 * alpha, dw);
        Vector512.Store(c1 * alpha, dw + 16);
        Vector512.Store(c2 * alpha, dw + 32);
        Vector512.Store(c3 * alpha, dw + 48);
    }
}
