using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Inference;

// The register kernels of SparseBatchGemm: one pair of examples on four panels, four examples on one panel,
// eight examples on a half panel, and the stores that finish the sums with bias and activation.
internal static unsafe partial class SparseBatchGemm
{
    // 128 rows (four 32-row panels, `stride` floats apart) of the columns in `mask` (bit i: column k0 + i; those
    // not zero in x0 or x1) for the examples x0 and x1 (y1 null: x0 alone). The sums are started at 0 (first) or read from y, and finished with bias and act (last).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pair4(
        float* a, long stride, float* x0, float* x1, ulong mask, int k0, float* y0, float* y1, bool first, bool last, float* bias, float fuseSlope)
    {
        Vector512<float> c0, c1, c2, c3, c4, c5, c6, c7, d0, d1, d2, d3, d4, d5, d6, d7;
        if (first)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = default;
            d0 = d1 = d2 = d3 = d4 = d5 = d6 = d7 = default;
        }
        else
        {
            c0 = Vector512.Load(y0);
            c1 = Vector512.Load(y0 + 16);
            c2 = Vector512.Load(y0 + 32);
            c3 = Vector512.Load(y0 + 48);
            c4 = Vector512.Load(y0 + 64);
            c5 = Vector512.Load(y0 + 80);
            c6 = Vector512.Load(y0 + 96);
            c7 = Vector512.Load(y0 + 112);
            float* v = y1 != null ? y1 : y0;
            d0 = Vector512.Load(v);
            d1 = Vector512.Load(v + 16);
            d2 = Vector512.Load(v + 32);
            d3 = Vector512.Load(v + 48);
            d4 = Vector512.Load(v + 64);
            d5 = Vector512.Load(v + 80);
            d6 = Vector512.Load(v + 96);
            d7 = Vector512.Load(v + 112);
        }

        float* a1 = a + stride;
        float* a2 = a1 + stride;
        float* a3 = a2 + stride;
        while (mask != 0)
        {
            int col = k0 + BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var u = Vector512.Create(x0[col]);
            var t = Vector512.Create(x1[col]);
            nint o = (nint)col * Mr;
            var w0 = Vector512.Load(a + o);
            c0 = Avx512F.FusedMultiplyAdd(w0, u, c0);
            d0 = Avx512F.FusedMultiplyAdd(w0, t, d0);
            var w1 = Vector512.Load(a + o + 16);
            c1 = Avx512F.FusedMultiplyAdd(w1, u, c1);
            d1 = Avx512F.FusedMultiplyAdd(w1, t, d1);
            var w2 = Vector512.Load(a1 + o);
            c2 = Avx512F.FusedMultiplyAdd(w2, u, c2);
            d2 = Avx512F.FusedMultiplyAdd(w2, t, d2);
            var w3 = Vector512.Load(a1 + o + 16);
            c3 = Avx512F.FusedMultiplyAdd(w3, u, c3);
            d3 = Avx512F.FusedMultiplyAdd(w3, t, d3);
            var w4 = Vector512.Load(a2 + o);
            c4 = Avx512F.FusedMultiplyAdd(w4, u, c4);
            d4 = Avx512F.FusedMultiplyAdd(w4, t, d4);
            var w5 = Vector512.Load(a2 + o + 16);
            c5 = Avx512F.FusedMultiplyAdd(w5, u, c5);
            d5 = Avx512F.FusedMultiplyAdd(w5, t, d5);
            var w6 = Vector512.Load(a3 + o);
            c6 = Avx512F.FusedMultiplyAdd(w6, u, c6);
            d6 = Avx512F.FusedMultiplyAdd(w6, t, d6);
            var w7 = Vector512.Load(a3 + o + 16);
            c7 = Avx512F.FusedMultiplyAdd(w7, u, c7);
            d7 = Avx512F.FusedMultiplyAdd(w7, t, d7);
        }

        Store(c0, y0, bias, last, fuseSlope);
        Store(c1, y0 + 16, bias + 16, last, fuseSlope);
        Store(c2, y0 + 32, bias + 32, last, fuseSlope);
        Store(c3, y0 + 48, bias + 48, last, fuseSlope);
        Store(c4, y0 + 64, bias + 64, last, fuseSlope);
        Store(c5, y0 + 80, bias + 80, last, fuseSlope);
        Store(c6, y0 + 96, bias + 96, last, fuseSlope);
        Store(c7, y0 + 112, bias + 112, last, fuseSlope);
        if (y1 != null)
        {
            Store(d0, y1, bias, last, fuseSlope);
            Store(d1, y1 + 16, bias + 16, last, fuseSlope);
            Store(d2, y1 + 32, bias + 32, last, fuseSlope);
            Store(d3, y1 + 48, bias + 48, last, fuseSlope);
            Store(d4, y1 + 64, bias + 64, last, fuseSlope);
            Store(d5, y1 + 80, bias + 80, last, fuseSlope);
            Store(d6, y1 + 96, bias + 96, last, fuseSlope);
            Store(d7, y1 + 112, bias + 112, last, fuseSlope);
        }
    }

    // As Pair4 for one 32-row panel (the rows left over after the blocks of four panels) and four examples x0 .. x3
    // (a null y: that example is absent, its x a repeat of x0).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Quad1(
        float* a, float* x0, float* x1, float* x2, float* x3, ulong mask, int k0, float* y0, float* y1, float* y2, float* y3, bool first, bool last, float* bias, float fuseSlope)
    {
        Vector512<float> c0 = default, c1 = default, d0 = default, d1 = default, e0 = default, e1 = default, f0 = default, f1 = default;
        if (!first)
        {
            (c0, c1) = Partial(y0, y0);
            (d0, d1) = Partial(y1, y0);
            (e0, e1) = Partial(y2, y0);
            (f0, f1) = Partial(y3, y0);
        }

        while (mask != 0)
        {
            int col = k0 + BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            nint o = (nint)col * Mr;
            var w0 = Vector512.Load(a + o);
            var w1 = Vector512.Load(a + o + 16);
            var u = Vector512.Create(x0[col]);
            c0 = Avx512F.FusedMultiplyAdd(w0, u, c0);
            c1 = Avx512F.FusedMultiplyAdd(w1, u, c1);
            var t = Vector512.Create(x1[col]);
            d0 = Avx512F.FusedMultiplyAdd(w0, t, d0);
            d1 = Avx512F.FusedMultiplyAdd(w1, t, d1);
            var v = Vector512.Create(x2[col]);
            e0 = Avx512F.FusedMultiplyAdd(w0, v, e0);
            e1 = Avx512F.FusedMultiplyAdd(w1, v, e1);
            var z = Vector512.Create(x3[col]);
            f0 = Avx512F.FusedMultiplyAdd(w0, z, f0);
            f1 = Avx512F.FusedMultiplyAdd(w1, z, f1);
        }

        StorePanel(c0, c1, y0, bias, last, fuseSlope);
        StorePanel(d0, d1, y1, bias, last, fuseSlope);
        StorePanel(e0, e1, y2, bias, last, fuseSlope);
        StorePanel(f0, f1, y3, bias, last, fuseSlope);
    }

    // The first 16 rows of one panel (all the rows there are: a layer of 16 outputs or fewer) for eight examples
    // (x[i], y[i]; a null y: absent), over the columns in `mask` (from k0): one vector per example, eight sums in
    // flight. The panel's other 16 rows are act(0 + 0) = 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Half8(float* a, ulong mask, int k0, float** x, float** y, bool first, bool last, float* bias, float fuseSlope)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        if (!first)
        {
            c0 = Vector512.Load(y[0]);
            c1 = Vector512.Load(Or(y[1], y[0]));
            c2 = Vector512.Load(Or(y[2], y[0]));
            c3 = Vector512.Load(Or(y[3], y[0]));
            c4 = Vector512.Load(Or(y[4], y[0]));
            c5 = Vector512.Load(Or(y[5], y[0]));
            c6 = Vector512.Load(Or(y[6], y[0]));
            c7 = Vector512.Load(Or(y[7], y[0]));
        }

        float* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
        while (mask != 0)
        {
            int col = k0 + BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            var w0 = Vector512.Load(a + ((nint)col * Mr));
            c0 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x0[col]), c0);
            c1 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x1[col]), c1);
            c2 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x2[col]), c2);
            c3 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x3[col]), c3);
            c4 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x4[col]), c4);
            c5 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x5[col]), c5);
            c6 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x6[col]), c6);
            c7 = Avx512F.FusedMultiplyAdd(w0, Vector512.Create(x7[col]), c7);
        }

        StoreHalf(c0, y[0], bias, last, fuseSlope);
        StoreHalf(c1, y[1], bias, last, fuseSlope);
        StoreHalf(c2, y[2], bias, last, fuseSlope);
        StoreHalf(c3, y[3], bias, last, fuseSlope);
        StoreHalf(c4, y[4], bias, last, fuseSlope);
        StoreHalf(c5, y[5], bias, last, fuseSlope);
        StoreHalf(c6, y[6], bias, last, fuseSlope);
        StoreHalf(c7, y[7], bias, last, fuseSlope);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreHalf(Vector512<float> sum, float* y, float* bias, bool last, float fuseSlope)
    {
        if (y != null)
        {
            Store(sum, y, bias, last, fuseSlope);
            if (last)
            {
                Vector512.Store(Vector512<float>.Zero, y + 16);
            }
        }
    }

    // A panel's two vectors of partial sums, from y (or from `fallback` when y is null: an absent example).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float>, Vector512<float>) Partial(float* y, float* fallback)
    {
        float* from = y != null ? y : fallback;
        return (Vector512.Load(from), Vector512.Load(from + 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePanel(Vector512<float> low, Vector512<float> high, float* y, float* bias, bool last, float fuseSlope)
    {
        if (y != null)
        {
            Store(low, y, bias, last, fuseSlope);
            Store(high, y + 16, bias + 16, last, fuseSlope);
        }
    }

    // Stores the partial sums, or, after the last block of columns, act(sum + b).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> sum, float* y, float* bias, bool last, float fuseSlope)
    {
        if (last)
        {
            sum += Vector512.Load(bias);
            if (!float.IsNaN(fuseSlope))
            {
                sum = Vector512.ConditionalSelect(Vector512.GreaterThan(sum, Vector512<float>.Zero), sum, sum * fuseSlope);
            }
        }

        Vector512.Store(sum, y);
    }
}
