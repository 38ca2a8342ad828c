using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The inference product for one example on pre-packed weights: y ← g(W·x + b), a matrix–vector product that
// streams each packed panel of W (Mr rows, see PackedWeights) once with eight independent accumulators, and skips
// the columns of W whose input is zero. Bias and a ReLU-family activation are applied to each panel's outputs
// while they are in L1 ("fused"); other activations are the caller's. Bound by reading the weights, so it stays
// on the calling thread unless it is large (VectorParallelThreshold); batches of 2 to 64 run PackedBatchGemm.
internal static unsafe class PackedGemm
{
    // Below this many multiply-adds a batch product (PackedBatchGemm) stays on the calling thread: at batch 32
    // the 784 → 512 and 512 → 256 products (12.8 M and 4.2 M) hand off.
    internal const long ParallelThreshold = 1_000_000;

    // Below this many multiply-adds a matrix–vector product stays on the calling thread. Measured on a shared
    // 2-core machine (W4): with the second core free, splitting 784 → 512 (401,408) took the median from 19–20 to
    // 11–13 µs, and splitting 512 → 256 (131,072) as well from 10.3–10.5 to 9.4 µs; with the second core held by
    // another process both stay at the one-thread 19 µs and the p99 does not grow (29–35 against 33–37 µs). (Before
    // the worker yielded while it spun, splitting 512 → 256 had doubled the p99 of a busy machine.)
    internal const long VectorParallelThreshold = 100_000;

    private static readonly PackedJob SharedJob = new();

    // Floats of the scratch that Multiply needs for k inputs: their non-zero values and their indices.
    public static int ScratchFloats(int k) => 2 * k;

    // y ← act(W·x + b) for one example x; y has w.PaddedRows values. act is LeakyReLU(slope) when fuseSlope is a
    // number (0: ReLU), the identity when NaN.
    public static void Multiply(PackedWeights w, float* x, float* y, float* scratch, float fuseSlope, int maxThreads)
    {
        int nonzeros = CountNonzeros(x, w.Columns);
        if (WorthCondensing(nonzeros, w.Columns))
        {
            Condense(x, w.Columns, scratch, (int*)(scratch + w.Columns));
        }

        var args = new Arguments(w, x, y, scratch, fuseSlope, nonzeros);

        // Eight parts per thread (784 → 512 and 512 → 256: a panel each): parts are claimed, so a worker that wakes
        // late still takes some. With four, a quarter of W4's calls took 14–15 µs instead of 9.5 (the upper
        // quartile 14.3–14.9 µs, against 10.6–10.9 with eight, in one process, alternating; medians equal).
        int threads = Math.Min(maxThreads, GemmWorkerPool.Shared.WorkerCount + 1);
        int parts = Math.Min(8 * threads, w.PanelCount);
        if (threads > 1 && parts > 1 && (long)w.Rows * w.Columns >= VectorParallelThreshold && GemmWorkerPool.Shared.TryAcquire())
        {
            try
            {
                SharedJob.Prepare(args, parts);
                GemmWorkerPool.Shared.Run(SharedJob, parts, threads);
            }
            finally
            {
                SharedJob.Clear();
                GemmWorkerPool.Shared.Release();
            }

            return;
        }

        RunPanels(args, 0, w.PanelCount);
    }

    // How many of x's k values are not zero, counted eight at a time.
    internal static int CountNonzeros(float* x, int k)
    {
        int count = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= k; j += 8)
            {
                uint zeros = Vector256.Equals(Vector256.Load(x + j), Vector256<float>.Zero).ExtractMostSignificantBits();
                count += 8 - BitOperations.PopCount(zeros);
            }
        }

        for (; j < k; j++)
        {
            count += x[j] != 0f ? 1 : 0;
        }

        return count;
    }

    // The non-zero entries of x (values and indices, in order); returns how many. A zero input adds nothing to
    // W·x, so the matrix–vector product skips its column of W: ReLU outputs are often half zero, and so are
    // images' background pixels, and the product is bound by reading the weights. Eight at a time: a mask of
    // the non-zero lanes, then one store per set bit.
    internal static int Condense(float* x, int k, float* values, int* indices)
    {
        int count = 0;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= k; j += 8)
            {
                uint nonzero = ~Vector256.Equals(Vector256.Load(x + j), Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu;
                while (nonzero != 0)
                {
                    int lane = BitOperations.TrailingZeroCount(nonzero);
                    values[count] = x[j + lane];
                    indices[count] = j + lane;
                    count++;
                    nonzero &= nonzero - 1;
                }
            }
        }

        for (; j < k; j++)
        {
            if (x[j] != 0f)
            {
                values[count] = x[j];
                indices[count] = j;
                count++;
            }
        }

        return count;
    }

    // Skip the zero inputs when fewer than 7 in 8 are not zero (below that the gather costs more than it saves).
    private static bool WorthCondensing(int nonzeros, int k) => nonzeros * 8 < k * 7;

    private static void RunPanels(in Arguments args, int first, int last)
    {
        PackedWeights w = args.W;
        int k = w.Columns;
        int mr = w.Height;
        for (int p = first; p < last; p++)
        {
            float* panel = w.Panels + ((nint)p * mr * k);
            float* y = args.Y + (p * mr);
            if (WorthCondensing(args.Nonzeros, k))
            {
                SparseGemv(w.Kernel, panel, args.Scratch, (int*)(args.Scratch + k), args.Nonzeros, y);
            }
            else
            {
                Gemv(w.Kernel, panel, args.X, k, y);
            }

            Epilogue(y, w.Bias + (p * mr), mr, args.FuseSlope);
        }
    }

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

    private readonly struct Arguments(PackedWeights w, float* x, float* y, float* scratch, float fuseSlope, int nonzeros)
    {
        public PackedWeights W { get; } = w;

        public float* X { get; } = x;

        public float* Y { get; } = y;

        // The non-zero inputs' values, then their indices (as ints).
        public float* Scratch { get; } = scratch;

        public float FuseSlope { get; } = fuseSlope;

        public int Nonzeros { get; } = nonzeros;
    }

    // The panels split into contiguous ranges, one per part. Guarded by the pool's lock.
    private sealed class PackedJob : IParallelWork
    {
        private Arguments _args;
        private int _parts;

        public void Prepare(in Arguments args, int parts)
        {
            _args = args;
            _parts = parts;
        }

        public void Clear() => _args = default;

        public void Execute(int part)
        {
            int panels = _args.W.PanelCount;
            RunPanels(_args, panels * part / _parts, panels * (part + 1) / _parts);
        }
    }
}
