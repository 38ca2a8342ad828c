using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute;

// The register kernels of SparseTrainingGemm: a pair of examples on 48 rows of W (forward), and four inputs (or
// one) on 24 rows of dZ (weight gradient).
internal static unsafe partial class SparseTrainingGemm
{
    // s0, s1 (48 sums each, of examples x0 and x1) ← their sums (or 0 when `first`) + Σ W[0..47, col]·x[col] over
    // the columns of `mask` (bit i: column k0 + i), in column order: one fused multiply-add per term, as the
    // dense micro-kernels. `panel` holds 48 rows per column.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPair(float* panel, float* x0, float* x1, ulong mask, int k0, float* s0, float* s1, bool first)
    {
        Vector256<float> c0, c1, c2, c3, c4, c5, d0, d1, d2, d3, d4, d5;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = default;
            d0 = d1 = d2 = d3 = d4 = d5 = default;
        }
        else
        {
            c0 = Vector256.Load(s0);
            c1 = Vector256.Load(s0 + 8);
            c2 = Vector256.Load(s0 + 16);
            c3 = Vector256.Load(s0 + 24);
            c4 = Vector256.Load(s0 + 32);
            c5 = Vector256.Load(s0 + 40);
            d0 = Vector256.Load(s1);
            d1 = Vector256.Load(s1 + 8);
            d2 = Vector256.Load(s1 + 16);
            d3 = Vector256.Load(s1 + 24);
            d4 = Vector256.Load(s1 + 32);
            d5 = Vector256.Load(s1 + 40);
        }

        while (mask != 0)
        {
            int col = k0 + BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var u = Vector256.Create(x0[col]);
            var t = Vector256.Create(x1[col]);
            float* a = panel + ((nint)col * ForwardRows);
            var w0 = Vector256.Load(a);
            c0 = Fma.MultiplyAdd(w0, u, c0);
            d0 = Fma.MultiplyAdd(w0, t, d0);
            var w1 = Vector256.Load(a + 8);
            c1 = Fma.MultiplyAdd(w1, u, c1);
            d1 = Fma.MultiplyAdd(w1, t, d1);
            var w2 = Vector256.Load(a + 16);
            c2 = Fma.MultiplyAdd(w2, u, c2);
            d2 = Fma.MultiplyAdd(w2, t, d2);
            var w3 = Vector256.Load(a + 24);
            c3 = Fma.MultiplyAdd(w3, u, c3);
            d3 = Fma.MultiplyAdd(w3, t, d3);
            var w4 = Vector256.Load(a + 32);
            c4 = Fma.MultiplyAdd(w4, u, c4);
            d4 = Fma.MultiplyAdd(w4, t, d4);
            var w5 = Vector256.Load(a + 40);
            c5 = Fma.MultiplyAdd(w5, u, c5);
            d5 = Fma.MultiplyAdd(w5, t, d5);
        }

        Vector256.Store(c0, s0);
        Vector256.Store(c1, s0 + 8);
        Vector256.Store(c2, s0 + 16);
        Vector256.Store(c3, s0 + 24);
        Vector256.Store(c4, s0 + 32);
        Vector256.Store(c5, s0 + 40);
        Vector256.Store(d0, s1);
        Vector256.Store(d1, s1 + 8);
        Vector256.Store(d2, s1 + 16);
        Vector256.Store(d3, s1 + 24);
        Vector256.Store(d4, s1 + 32);
        Vector256.Store(d5, s1 + 40);
    }

    // dw[q·ldw + r] = alpha·Σ_e dZ[r, e]·x[q + e·k] for q < 4, r < 24, over the examples e of `mask` (`words`
    // words) in order: `dz` holds 24 rows per example, x points at the group's first input of example 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientQuad(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw, nint ldw)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, d0 = default, d1 = default, d2 = default;
        Vector256<float> e0 = default, e1 = default, e2 = default, f0 = default, f1 = default, f2 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            while (bits != 0)
            {
                int e = (w * 64) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + ((nint)e * GradientRows);
                float* xe = x + ((nint)e * k);
                var v0 = Vector256.Load(v);
                var v1 = Vector256.Load(v + 8);
                var v2 = Vector256.Load(v + 16);
                var s = Vector256.Create(xe[0]);
                c0 = Fma.MultiplyAdd(v0, s, c0);
                c1 = Fma.MultiplyAdd(v1, s, c1);
                c2 = Fma.MultiplyAdd(v2, s, c2);
                s = Vector256.Create(xe[1]);
                d0 = Fma.MultiplyAdd(v0, s, d0);
                d1 = Fma.MultiplyAdd(v1, s, d1);
                d2 = Fma.MultiplyAdd(v2, s, d2);
                s = Vector256.Create(xe[2]);
                e0 = Fma.MultiplyAdd(v0, s, e0);
                e1 = Fma.MultiplyAdd(v1, s, e1);
                e2 = Fma.MultiplyAdd(v2, s, e2);
                s = Vector256.Create(xe[3]);
                f0 = Fma.MultiplyAdd(v0, s, f0);
                f1 = Fma.MultiplyAdd(v1, s, f1);
                f2 = Fma.MultiplyAdd(v2, s, f2);
            }
        }

        var a = Vector256.Create(alpha);
        StoreScaled(c0, c1, c2, a, dw);
        StoreScaled(d0, d1, d2, a, dw + ldw);
        StoreScaled(e0, e1, e2, a, dw + (2 * ldw));
        StoreScaled(f0, f1, f2, a, dw + (3 * ldw));
    }

    // As GradientQuad for one input (a group's last inputs when 4 does not divide k), into 24 values of dw.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientOne(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            while (bits != 0)
            {
                int e = (w * 64) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + ((nint)e * GradientRows);
                var s = Vector256.Create(x[(nint)e * k]);
                c0 = Fma.MultiplyAdd(Vector256.Load(v), s, c0);
                c1 = Fma.MultiplyAdd(Vector256.Load(v + 8), s, c1);
                c2 = Fma.MultiplyAdd(Vector256.Load(v + 16), s, c2);
            }
        }

        StoreScaled(c0, c1, c2, Vector256.Create(alpha), dw);
    }

    // The dense driver's α·S (beta = 0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> alpha, float* dw)
    {
        Vector256.Store(c0 * alpha, dw);
        Vector256.Store(c1 * alpha, dw + 8);
        Vector256.Store(c2 * alpha, dw + 16);
    }
}
