using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute;

// The register kernels of SparseTrainingGemm: one example on 64 rows of W (forward: eight accumulators, as many
// independent chains as two FMA pipes of four cycles' latency need), and a pair of inputs (or one) on 48 rows of dZ
// (weight gradient: twelve).
internal static unsafe partial class SparseTrainingGemm
{
    // s (64 sums of example x) ← s (or 0 when `first`) + Σ W[0..63, col]·x[col] over the columns of `mask` (bit i:
    // column k0 + i), in column order: one fused multiply-add per term, as the dense micro-kernels. `panel` holds
    // 64 rows per column. Nine loads per eight multiply-adds (the two load pipes keep up with the two FMA pipes).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardOne(float* panel, float* x, ulong mask, int k0, float* s, bool first)
    {
        Vector256<float> c0, c1, c2, c3, c4, c5, c6, c7;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = default;
        }
        else
        {
            c0 = Vector256.Load(s);
            c1 = Vector256.Load(s + 8);
            c2 = Vector256.Load(s + 16);
            c3 = Vector256.Load(s + 24);
            c4 = Vector256.Load(s + 32);
            c5 = Vector256.Load(s + 40);
            c6 = Vector256.Load(s + 48);
            c7 = Vector256.Load(s + 56);
        }

        float* xk = x + k0;
        float* pk = panel + ((nint)k0 * ForwardRows);
        while (mask != 0)
        {
            nint col = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var u = Vector256.Create(xk[col]);
            float* a = pk + (col * ForwardRows);
            c0 = Fma.MultiplyAdd(Vector256.Load(a), u, c0);
            c1 = Fma.MultiplyAdd(Vector256.Load(a + 8), u, c1);
            c2 = Fma.MultiplyAdd(Vector256.Load(a + 16), u, c2);
            c3 = Fma.MultiplyAdd(Vector256.Load(a + 24), u, c3);
            c4 = Fma.MultiplyAdd(Vector256.Load(a + 32), u, c4);
            c5 = Fma.MultiplyAdd(Vector256.Load(a + 40), u, c5);
            c6 = Fma.MultiplyAdd(Vector256.Load(a + 48), u, c6);
            c7 = Fma.MultiplyAdd(Vector256.Load(a + 56), u, c7);
        }

        Vector256.Store(c0, s);
        Vector256.Store(c1, s + 8);
        Vector256.Store(c2, s + 16);
        Vector256.Store(c3, s + 24);
        Vector256.Store(c4, s + 32);
        Vector256.Store(c5, s + 40);
        Vector256.Store(c6, s + 48);
        Vector256.Store(c7, s + 56);
    }

    // dw[q·ldw + r] = alpha·Σ_e dZ[r, e]·x[q + e·k] for q < 2, r < 48, over the examples e of `mask` (`words`
    // words) in order: `dz` holds 48 rows per example, x points at the pair's first input of example 0. Eight loads
    // per twelve multiply-adds, and few enough other instructions per term that the FMA pipes, not the front end,
    // set the pace (with 32 rows, 24 instructions per eight multiply-adds did).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientPair(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw, nint ldw)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            nint base0 = (nint)w * 64;
            while (bits != 0)
            {
                nint e = base0 + (nint)Bmi1.X64.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + (e * GradientRows);
                float* xe = x + (e * k);
                var s = Vector256.Create(xe[0]);
                var t = Vector256.Create(xe[1]);
                var v0 = Vector256.Load(v);
                c0 = Fma.MultiplyAdd(v0, s, c0);
                d0 = Fma.MultiplyAdd(v0, t, d0);
                var v1 = Vector256.Load(v + 8);
                c1 = Fma.MultiplyAdd(v1, s, c1);
                d1 = Fma.MultiplyAdd(v1, t, d1);
                var v2 = Vector256.Load(v + 16);
                c2 = Fma.MultiplyAdd(v2, s, c2);
                d2 = Fma.MultiplyAdd(v2, t, d2);
                var v3 = Vector256.Load(v + 24);
                c3 = Fma.MultiplyAdd(v3, s, c3);
                d3 = Fma.MultiplyAdd(v3, t, d3);
                var v4 = Vector256.Load(v + 32);
                c4 = Fma.MultiplyAdd(v4, s, c4);
                d4 = Fma.MultiplyAdd(v4, t, d4);
                var v5 = Vector256.Load(v + 40);
                c5 = Fma.MultiplyAdd(v5, s, c5);
                d5 = Fma.MultiplyAdd(v5, t, d5);
            }
        }

        var a = Vector256.Create(alpha);
        StoreScaled(c0, c1, c2, c3, c4, c5, a, dw);
        StoreScaled(d0, d1, d2, d3, d4, d5, a, dw + ldw);
    }

    // As GradientPair on the first 32 of the 48 rows `dz` holds per example (a narrow block).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowGradientPair(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw, nint ldw)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector256<float> d0 = default, d1 = default, d2 = default, d3 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            nint base0 = (nint)w * 64;
            while (bits != 0)
            {
                nint e = base0 + (nint)Bmi1.X64.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + (e * GradientRows);
                float* xe = x + (e * k);
                var s = Vector256.Create(xe[0]);
                var t = Vector256.Create(xe[1]);
                var v0 = Vector256.Load(v);
                c0 = Fma.MultiplyAdd(v0, s, c0);
                d0 = Fma.MultiplyAdd(v0, t, d0);
                var v1 = Vector256.Load(v + 8);
                c1 = Fma.MultiplyAdd(v1, s, c1);
                d1 = Fma.MultiplyAdd(v1, t, d1);
                var v2 = Vector256.Load(v + 16);
                c2 = Fma.MultiplyAdd(v2, s, c2);
                d2 = Fma.MultiplyAdd(v2, t, d2);
                var v3 = Vector256.Load(v + 24);
                c3 = Fma.MultiplyAdd(v3, s, c3);
                d3 = Fma.MultiplyAdd(v3, t, d3);
            }
        }

        var a = Vector256.Create(alpha);
        StoreScaled(c0, c1, c2, c3, a, dw);
        StoreScaled(d0, d1, d2, d3, a, dw + ldw);
    }

    // As GradientPair for one input (the last when k is odd), into 48 values of dw.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientOne(float* dz, float* x, int k, ulong* mask, int words, float alpha, float* dw)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            nint base0 = (nint)w * 64;
            while (bits != 0)
            {
                nint e = base0 + (nint)Bmi1.X64.TrailingZeroCount(bits);
                bits &= bits - 1;
                float* v = dz + (e * GradientRows);
                var s = Vector256.Create(x[e * k]);
                c0 = Fma.MultiplyAdd(Vector256.Load(v), s, c0);
                c1 = Fma.MultiplyAdd(Vector256.Load(v + 8), s, c1);
                c2 = Fma.MultiplyAdd(Vector256.Load(v + 16), s, c2);
                c3 = Fma.MultiplyAdd(Vector256.Load(v + 24), s, c3);
                c4 = Fma.MultiplyAdd(Vector256.Load(v + 32), s, c4);
                c5 = Fma.MultiplyAdd(Vector256.Load(v + 40), s, c5);
            }
        }

        StoreScaled(c0, c1, c2, c3, c4, c5, Vector256.Create(alpha), dw);
    }

    // The dense driver's α·S (beta = 0), 32 values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, Vector256<float> alpha, float* dw)
    {
        Vector256.Store(c0 * alpha, dw);
        Vector256.Store(c1 * alpha, dw + 8);
        Vector256.Store(c2 * alpha, dw + 16);
        Vector256.Store(c3 * alpha, dw + 24);
    }

    // The dense driver's α·S (beta = 0), 48 values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreScaled(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, Vector256<float> c4, Vector256<float> c5, Vector256<float> alpha, float* dw)
    {
        Vector256.Store(c0 * alpha, dw);
        Vector256.Store(c1 * alpha, dw + 8);
        Vector256.Store(c2 * alpha, dw + 16);
        Vector256.Store(c3 * alpha, dw + 24);
        Vector256.Store(c4 * alpha, dw + 32);
        Vector256.Store(c5 * alpha, dw + 40);
    }
}
