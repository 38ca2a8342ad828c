using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The panel kernels of PackedGemm: the dense and the condensed (non-zero inputs only) matrix–vector products on
// one Mr-row panel, per instruction set, and the epilogue that adds the bias and applies the fused activation.
internal static unsafe partial class PackedGemm
{
    private static void Gemv(GemmKernelKind kernel, float* panel, float* x, int k, float* y)
    {
        switch (kernel)
        {
            case GemmKernelKind.Avx512:
                Gemv512(panel, x, k, y);
                break;
            case GemmKernelKind.Avx2:
                Gemv256(panel, x, k, y);
                break;
            default:
                GemvScalar(panel, x, k, y, ScalarMicroKernel.Mr);
                break;
        }
    }

    // As Gemv, over the non-zero inputs only (fewer than 7 in 8): y = Σ_t values[t] · panel column indices[t].
    private static void SparseGemv(GemmKernelKind kernel, float* panel, float* values, int* indices, int count, float* y)
    {
        switch (kernel)
        {
            case GemmKernelKind.Avx512:
                SparseGemv512(panel, values, indices, count, y);
                break;
            case GemmKernelKind.Avx2:
                SparseGemv256(panel, values, indices, count, y);
                break;
            default:
                SparseGemvScalar(panel, values, indices, count, y, ScalarMicroKernel.Mr);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SparseGemv512(float* a, float* values, int* indices, int count, float* y)
    {
        Vector512<float> s0 = default, s1 = default, t0 = default, t1 = default;
        Vector512<float> u0 = default, u1 = default, v0 = default, v1 = default;
        int t = 0;
        for (; t + 4 <= count; t += 4)
        {
            float* a0 = a + (indices[t] * 32);
            float* a1 = a + (indices[t + 1] * 32);
            float* a2 = a + (indices[t + 2] * 32);
            float* a3 = a + (indices[t + 3] * 32);
            var x0 = Vector512.Create(values[t]);
            var x1 = Vector512.Create(values[t + 1]);
            var x2 = Vector512.Create(values[t + 2]);
            var x3 = Vector512.Create(values[t + 3]);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a0), x0, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a0 + 16), x0, s1);
            t0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a1), x1, t0);
            t1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a1 + 16), x1, t1);
            u0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a2), x2, u0);
            u1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a2 + 16), x2, u1);
            v0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a3), x3, v0);
            v1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a3 + 16), x3, v1);
        }

        for (; t < count; t++)
        {
            float* aj = a + (indices[t] * 32);
            var xj = Vector512.Create(values[t]);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(aj), xj, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(aj + 16), xj, s1);
        }

        Vector512.Store((s0 + t0) + (u0 + v0), y);
        Vector512.Store((s1 + t1) + (u1 + v1), y + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SparseGemv256(float* a, float* values, int* indices, int count, float* y)
    {
        Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
        Vector256<float> u0 = default, u1 = default, v0 = default, v1 = default;
        int t = 0;
        for (; t + 4 <= count; t += 4)
        {
            float* a0 = a + (indices[t] * 16);
            float* a1 = a + (indices[t + 1] * 16);
            float* a2 = a + (indices[t + 2] * 16);
            float* a3 = a + (indices[t + 3] * 16);
            var x0 = Vector256.Create(values[t]);
            var x1 = Vector256.Create(values[t + 1]);
            var x2 = Vector256.Create(values[t + 2]);
            var x3 = Vector256.Create(values[t + 3]);
            s0 = Fma.MultiplyAdd(Vector256.Load(a0), x0, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(a0 + 8), x0, s1);
            t0 = Fma.MultiplyAdd(Vector256.Load(a1), x1, t0);
            t1 = Fma.MultiplyAdd(Vector256.Load(a1 + 8), x1, t1);
            u0 = Fma.MultiplyAdd(Vector256.Load(a2), x2, u0);
            u1 = Fma.MultiplyAdd(Vector256.Load(a2 + 8), x2, u1);
            v0 = Fma.MultiplyAdd(Vector256.Load(a3), x3, v0);
            v1 = Fma.MultiplyAdd(Vector256.Load(a3 + 8), x3, v1);
        }

        for (; t < count; t++)
        {
            float* aj = a + (indices[t] * 16);
            var xj = Vector256.Create(values[t]);
            s0 = Fma.MultiplyAdd(Vector256.Load(aj), xj, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(aj + 8), xj, s1);
        }

        Vector256.Store((s0 + t0) + (u0 + v0), y);
        Vector256.Store((s1 + t1) + (u1 + v1), y + 8);
    }

    private static void SparseGemvScalar(float* a, float* values, int* indices, int count, float* y, int mr)
    {
        for (int r = 0; r < mr; r++)
        {
            y[r] = 0f;
        }

        for (int t = 0; t < count; t++)
        {
            float* aj = a + (indices[t] * mr);
            for (int r = 0; r < mr; r++)
            {
                y[r] += aj[r] * values[t];
            }
        }
    }

    // y[0..32) = panel · x: two vectors of rows, four columns of the panel in flight (eight accumulators, to
    // cover the FMA latency), summed at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv512(float* a, float* x, int k, float* y)
    {
        Vector512<float> s0 = default, s1 = default, t0 = default, t1 = default;
        Vector512<float> u0 = default, u1 = default, v0 = default, v1 = default;
        int j = 0;
        for (; j + 4 <= k; j += 4)
        {
            var x0 = Vector512.Create(x[j]);
            var x1 = Vector512.Create(x[j + 1]);
            var x2 = Vector512.Create(x[j + 2]);
            var x3 = Vector512.Create(x[j + 3]);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a), x0, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 16), x0, s1);
            t0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 32), x1, t0);
            t1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 48), x1, t1);
            u0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 64), x2, u0);
            u1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 80), x2, u1);
            v0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 96), x3, v0);
            v1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 112), x3, v1);
            a += 128;
        }

        for (; j < k; j++)
        {
            var xj = Vector512.Create(x[j]);
            s0 = Avx512F.FusedMultiplyAdd(Vector512.Load(a), xj, s0);
            s1 = Avx512F.FusedMultiplyAdd(Vector512.Load(a + 16), xj, s1);
            a += 32;
        }

        Vector512.Store((s0 + t0) + (u0 + v0), y);
        Vector512.Store((s1 + t1) + (u1 + v1), y + 16);
    }

    // As Gemv512 for 16-row panels of 256-bit vectors.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv256(float* a, float* x, int k, float* y)
    {
        Vector256<float> s0 = default, s1 = default, t0 = default, t1 = default;
        Vector256<float> u0 = default, u1 = default, v0 = default, v1 = default;
        int j = 0;
        for (; j + 4 <= k; j += 4)
        {
            var x0 = Vector256.Create(x[j]);
            var x1 = Vector256.Create(x[j + 1]);
            var x2 = Vector256.Create(x[j + 2]);
            var x3 = Vector256.Create(x[j + 3]);
            s0 = Fma.MultiplyAdd(Vector256.Load(a), x0, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(a + 8), x0, s1);
            t0 = Fma.MultiplyAdd(Vector256.Load(a + 16), x1, t0);
            t1 = Fma.MultiplyAdd(Vector256.Load(a + 24), x1, t1);
            u0 = Fma.MultiplyAdd(Vector256.Load(a + 32), x2, u0);
            u1 = Fma.MultiplyAdd(Vector256.Load(a + 40), x2, u1);
            v0 = Fma.MultiplyAdd(Vector256.Load(a + 48), x3, v0);
            v1 = Fma.MultiplyAdd(Vector256.Load(a + 56), x3, v1);
            a += 64;
        }

        for (; j < k; j++)
        {
            var xj = Vector256.Create(x[j]);
            s0 = Fma.MultiplyAdd(Vector256.Load(a), xj, s0);
            s1 = Fma.MultiplyAdd(Vector256.Load(a + 8), xj, s1);
            a += 16;
        }

        Vector256.Store((s0 + t0) + (u0 + v0), y);
        Vector256.Store((s1 + t1) + (u1 + v1), y + 8);
    }

    private static void GemvScalar(float* a, float* x, int k, float* y, int mr)
    {
        for (int r = 0; r < mr; r++)
        {
            y[r] = 0f;
        }

        for (int j = 0; j < k; j++)
        {
            float xj = x[j];
            for (int r = 0; r < mr; r++)
            {
                y[r] += a[r] * xj;
            }

            a += mr;
        }
    }

    // y[r] ← act(y[r] + b[r]) over a panel's outputs while they are in L1.
    private static void Epilogue(float* y, float* bias, int rows, float fuseSlope)
    {
        bool fuse = !float.IsNaN(fuseSlope);
        int width = Vector<float>.Count;
        var slope = new Vector<float>(fuse ? fuseSlope : 1f);
        int r = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; r + width <= rows; r += width)
            {
                var z = Vector.Load(y + r) + Vector.Load(bias + r);
                if (fuse)
                {
                    z = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<float>.Zero), z, z * slope);
                }

                Vector.Store(z, y + r);
            }
        }

        for (; r < rows; r++)
        {
            float z = y[r] + bias[r];
            y[r] = fuse && !(z > 0) ? z * fuseSlope : z;
        }
    }
}
