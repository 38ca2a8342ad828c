using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The AVX2 register kernels of SparseBatchGemm, on the AVX2 micro-kernel's packing (panels of 16 rows, two 256-bit
// vectors a column): a pair of examples on three panels (12 accumulators of the 16 registers), four examples on one
// panel (8), eight on half a panel (8). The sums as the AVX-512 kernels': per output, one fused multiply-add per
// input not zero, in column order from 0, then + b, then the activation: the dense AVX2 products' order.
internal static unsafe partial class SparseBatchGemm
{
    private readonly struct Avx2Kernels : ISparseKernels
    {
        private const int Rows = 16;

        private static readonly int Columns = ColumnBlockFor(CpuCache.L1DataBytes(fallback: 32 * 1024), 3 * Rows * sizeof(float));

        public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated && Avx2MicroKernel.Mr == Rows;

        public static int Height => Rows;

        public static int BlockPanels => 3;

        public static int ColumnBlock => Columns;

        public static bool PrefetchesInputs => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong NonzeroMask(float* x0, float* x1, int k0, int k1, bool check, ref uint nonFinite)
        {
            var notFinite = Vector256<uint>.Zero;
            ulong mask = 0;
            int j = k0;
            for (; j + 8 <= k1; j += 8)
            {
                var v0 = Vector256.Load(x0 + j);
                var v1 = Vector256.Load(x1 + j);
                if (check)
                {
                    notFinite |= (v0 - v0).AsUInt32() | (v1 - v1).AsUInt32();
                }

                var zero = Vector256.Equals(v0, Vector256<float>.Zero) & Vector256.Equals(v1, Vector256<float>.Zero);
                mask |= (ulong)(~zero.ExtractMostSignificantBits() & 0xFFu) << (j - k0);
            }

            for (; j < k1; j++)
            {
                mask |= x0[j] != 0f || x1[j] != 0f ? 1UL << (j - k0) : 0UL;
                if (check && !(float.IsFinite(x0[j]) && float.IsFinite(x1[j])))
                {
                    nonFinite = 1;
                }
            }

            if (notFinite != Vector256<uint>.Zero)
            {
                nonFinite = 1;
            }

            return mask;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Pair(float* a, long stride, float* x0, float* x1, ulong mask, int k0, float* y0, float* y1, bool first, bool last, float* bias, float fuseSlope)
        {
            Vector256<float> c0, c1, c2, c3, c4, c5, d0, d1, d2, d3, d4, d5;
            if (first)
            {
                c0 = c1 = c2 = c3 = c4 = c5 = default;
                d0 = d1 = d2 = d3 = d4 = d5 = default;
            }
            else
            {
                c0 = Vector256.Load(y0);
                c1 = Vector256.Load(y0 + 8);
                c2 = Vector256.Load(y0 + 16);
                c3 = Vector256.Load(y0 + 24);
                c4 = Vector256.Load(y0 + 32);
                c5 = Vector256.Load(y0 + 40);
                float* v = y1 != null ? y1 : y0;
                d0 = Vector256.Load(v);
                d1 = Vector256.Load(v + 8);
                d2 = Vector256.Load(v + 16);
                d3 = Vector256.Load(v + 24);
                d4 = Vector256.Load(v + 32);
                d5 = Vector256.Load(v + 40);
            }

            float* a1 = a + stride;
            float* a2 = a1 + stride;

            // Two columns per iteration, in column order (the same sums): half the loop's branches and bookkeeping.
            while (BitOperations.PopCount(mask) >= 2)
            {
                int col = k0 + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                int next = k0 + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                var u = Vector256.Create(x0[col]);
                var t = Vector256.Create(x1[col]);
                nint o = (nint)col * Rows;
                var w0 = Vector256.Load(a + o);
                c0 = Fma.MultiplyAdd(w0, u, c0);
                d0 = Fma.MultiplyAdd(w0, t, d0);
                var w1 = Vector256.Load(a + o + 8);
                c1 = Fma.MultiplyAdd(w1, u, c1);
                d1 = Fma.MultiplyAdd(w1, t, d1);
                var w2 = Vector256.Load(a1 + o);
                c2 = Fma.MultiplyAdd(w2, u, c2);
                d2 = Fma.MultiplyAdd(w2, t, d2);
                var w3 = Vector256.Load(a1 + o + 8);
                c3 = Fma.MultiplyAdd(w3, u, c3);
                d3 = Fma.MultiplyAdd(w3, t, d3);
                var w4 = Vector256.Load(a2 + o);
                c4 = Fma.MultiplyAdd(w4, u, c4);
                d4 = Fma.MultiplyAdd(w4, t, d4);
                var w5 = Vector256.Load(a2 + o + 8);
                c5 = Fma.MultiplyAdd(w5, u, c5);
                d5 = Fma.MultiplyAdd(w5, t, d5);
                u = Vector256.Create(x0[next]);
                t = Vector256.Create(x1[next]);
                o = (nint)next * Rows;
                w0 = Vector256.Load(a + o);
                c0 = Fma.MultiplyAdd(w0, u, c0);
                d0 = Fma.MultiplyAdd(w0, t, d0);
                w1 = Vector256.Load(a + o + 8);
                c1 = Fma.MultiplyAdd(w1, u, c1);
                d1 = Fma.MultiplyAdd(w1, t, d1);
                w2 = Vector256.Load(a1 + o);
                c2 = Fma.MultiplyAdd(w2, u, c2);
                d2 = Fma.MultiplyAdd(w2, t, d2);
                w3 = Vector256.Load(a1 + o + 8);
                c3 = Fma.MultiplyAdd(w3, u, c3);
                d3 = Fma.MultiplyAdd(w3, t, d3);
                w4 = Vector256.Load(a2 + o);
                c4 = Fma.MultiplyAdd(w4, u, c4);
                d4 = Fma.MultiplyAdd(w4, t, d4);
                w5 = Vector256.Load(a2 + o + 8);
                c5 = Fma.MultiplyAdd(w5, u, c5);
                d5 = Fma.MultiplyAdd(w5, t, d5);
            }

            if (mask != 0)
            {
                int col = k0 + BitOperations.TrailingZeroCount(mask);
                var u = Vector256.Create(x0[col]);
                var t = Vector256.Create(x1[col]);
                nint o = (nint)col * Rows;
                var w0 = Vector256.Load(a + o);
                c0 = Fma.MultiplyAdd(w0, u, c0);
                d0 = Fma.MultiplyAdd(w0, t, d0);
                var w1 = Vector256.Load(a + o + 8);
                c1 = Fma.MultiplyAdd(w1, u, c1);
                d1 = Fma.MultiplyAdd(w1, t, d1);
                var w2 = Vector256.Load(a1 + o);
                c2 = Fma.MultiplyAdd(w2, u, c2);
                d2 = Fma.MultiplyAdd(w2, t, d2);
                var w3 = Vector256.Load(a1 + o + 8);
                c3 = Fma.MultiplyAdd(w3, u, c3);
                d3 = Fma.MultiplyAdd(w3, t, d3);
                var w4 = Vector256.Load(a2 + o);
                c4 = Fma.MultiplyAdd(w4, u, c4);
                d4 = Fma.MultiplyAdd(w4, t, d4);
                var w5 = Vector256.Load(a2 + o + 8);
                c5 = Fma.MultiplyAdd(w5, u, c5);
                d5 = Fma.MultiplyAdd(w5, t, d5);
            }

            Store(c0, y0, bias, last, fuseSlope);
            Store(c1, y0 + 8, bias + 8, last, fuseSlope);
            Store(c2, y0 + 16, bias + 16, last, fuseSlope);
            Store(c3, y0 + 24, bias + 24, last, fuseSlope);
            Store(c4, y0 + 32, bias + 32, last, fuseSlope);
            Store(c5, y0 + 40, bias + 40, last, fuseSlope);
            if (y1 != null)
            {
                Store(d0, y1, bias, last, fuseSlope);
                Store(d1, y1 + 8, bias + 8, last, fuseSlope);
                Store(d2, y1 + 16, bias + 16, last, fuseSlope);
                Store(d3, y1 + 24, bias + 24, last, fuseSlope);
                Store(d4, y1 + 32, bias + 32, last, fuseSlope);
                Store(d5, y1 + 40, bias + 40, last, fuseSlope);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Quad1(
            float* a, float* x0, float* x1, float* x2, float* x3, ulong mask, int k0, float* y0, float* y1, float* y2, float* y3, bool first, bool last, float* bias, float fuseSlope)
        {
            Vector256<float> c0 = default, c1 = default, d0 = default, d1 = default, e0 = default, e1 = default, f0 = default, f1 = default;
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
                nint o = (nint)col * Rows;
                var w0 = Vector256.Load(a + o);
                var w1 = Vector256.Load(a + o + 8);
                var u = Vector256.Create(x0[col]);
                c0 = Fma.MultiplyAdd(w0, u, c0);
                c1 = Fma.MultiplyAdd(w1, u, c1);
                var t = Vector256.Create(x1[col]);
                d0 = Fma.MultiplyAdd(w0, t, d0);
                d1 = Fma.MultiplyAdd(w1, t, d1);
                var v = Vector256.Create(x2[col]);
                e0 = Fma.MultiplyAdd(w0, v, e0);
                e1 = Fma.MultiplyAdd(w1, v, e1);
                var z = Vector256.Create(x3[col]);
                f0 = Fma.MultiplyAdd(w0, z, f0);
                f1 = Fma.MultiplyAdd(w1, z, f1);
            }

            StorePanel(c0, c1, y0, bias, last, fuseSlope);
            StorePanel(d0, d1, y1, bias, last, fuseSlope);
            StorePanel(e0, e1, y2, bias, last, fuseSlope);
            StorePanel(f0, f1, y3, bias, last, fuseSlope);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Half8(float* a, ulong mask, int k0, float** x, float** y, bool first, bool last, float* bias, float fuseSlope)
        {
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            if (!first)
            {
                c0 = Vector256.Load(y[0]);
                c1 = Vector256.Load(Or(y[1], y[0]));
                c2 = Vector256.Load(Or(y[2], y[0]));
                c3 = Vector256.Load(Or(y[3], y[0]));
                c4 = Vector256.Load(Or(y[4], y[0]));
                c5 = Vector256.Load(Or(y[5], y[0]));
                c6 = Vector256.Load(Or(y[6], y[0]));
                c7 = Vector256.Load(Or(y[7], y[0]));
            }

            float* x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
            while (mask != 0)
            {
                int col = k0 + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                var w0 = Vector256.Load(a + ((nint)col * Rows));
                c0 = Fma.MultiplyAdd(w0, Vector256.Create(x0[col]), c0);
                c1 = Fma.MultiplyAdd(w0, Vector256.Create(x1[col]), c1);
                c2 = Fma.MultiplyAdd(w0, Vector256.Create(x2[col]), c2);
                c3 = Fma.MultiplyAdd(w0, Vector256.Create(x3[col]), c3);
                c4 = Fma.MultiplyAdd(w0, Vector256.Create(x4[col]), c4);
                c5 = Fma.MultiplyAdd(w0, Vector256.Create(x5[col]), c5);
                c6 = Fma.MultiplyAdd(w0, Vector256.Create(x6[col]), c6);
                c7 = Fma.MultiplyAdd(w0, Vector256.Create(x7[col]), c7);
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

        // The half panel's sums; after the last block, its other 8 rows too: act(0 + 0) = 0.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreHalf(Vector256<float> sum, float* y, float* bias, bool last, float fuseSlope)
        {
            if (y != null)
            {
                Store(sum, y, bias, last, fuseSlope);
                if (last)
                {
                    Vector256.Store(Vector256<float>.Zero, y + 8);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (Vector256<float>, Vector256<float>) Partial(float* y, float* fallback)
        {
            float* from = y != null ? y : fallback;
            return (Vector256.Load(from), Vector256.Load(from + 8));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StorePanel(Vector256<float> low, Vector256<float> high, float* y, float* bias, bool last, float fuseSlope)
        {
            if (y != null)
            {
                Store(low, y, bias, last, fuseSlope);
                Store(high, y + 8, bias + 8, last, fuseSlope);
            }
        }

        // Stores the partial sums, or, after the last block of columns, act(sum + b).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector256<float> sum, float* y, float* bias, bool last, float fuseSlope)
        {
            if (last)
            {
                sum += Vector256.Load(bias);
                if (!float.IsNaN(fuseSlope))
                {
                    sum = Vector256.ConditionalSelect(Vector256.GreaterThan(sum, Vector256<float>.Zero), sum, sum * fuseSlope);
                }
            }

            Vector256.Store(sum, y);
        }
    }
}
