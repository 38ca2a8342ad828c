using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute;

// Inference products for small batches on pre-packed weights: Y ← g(W·X + b), with X n columns of k values
// (leading dimension ldx) and Y PaddedRows × n (leading dimension ldy, at least n rounded up to the kernel's
// Nr columns when n > 1). One column (a single example) is a matrix–vector product that streams each
// packed panel once with eight independent accumulators; more columns run the GEMM micro-kernel over each
// panel and n packed into Nr-wide tiles (about k·n floats to pack, against k·rows for the weights, which the
// general GEMM would pack on every call). Bias and a ReLU-family activation are applied to each tile while
// it is in L1 ("fused"); other activations are the caller's. Large products split the panels between the
// calling thread and the shared worker pool; small ones never hand off.
internal static unsafe class PackedGemm
{
    // Below this many multiply-adds a product stays on the calling thread. Measured in the benchmarks' quick
    // mode (W4 and W5 with 1 and 2 threads, a shared 2-core machine): at batch 1 a second thread did not lower
    // the median (the product is bound by reading the weights) and tripled the p99 (a worker descheduled in the
    // middle of its part), so no matrix–vector product of a 784-512-256 network (≤ 401,408) hands off; at
    // batch 32 the 784 → 512 and 512 → 256 products (12.8 M and 4.2 M) do.
    internal const long ParallelThreshold = 1_000_000;

    private static readonly PackedJob SharedJob = new();

    // Floats of the packed-input buffer that Multiply needs for n columns of k values (for one column: its
    // non-zero values and their indices).
    public static int PackedInputFloats(GemmKernelKind kernel, int k, int n) =>
        n <= 1 ? 2 * k : k * RoundUp(n, ManagedComputeBackend.TileOf(kernel).Nr);

    // Columns of Y that Multiply may write for n columns (whole Nr-wide tiles when n > 1).
    public static int PaddedColumns(GemmKernelKind kernel, int n) =>
        n <= 1 ? 1 : RoundUp(n, ManagedComputeBackend.TileOf(kernel).Nr);

    // Y ← act(W·X + b); act is LeakyReLU(slope) when fuseSlope is a number (0: ReLU), the identity when NaN.
    public static void Multiply(PackedWeights w, float* x, int ldx, int n, float* y, int ldy, float* packedInput, float fuseSlope, int maxThreads)
    {
        int nonzeros = n == 1 ? Condense(x, w.Columns, packedInput, (int*)(packedInput + w.Columns)) : 0;
        var args = new Arguments(w, x, ldx, n, y, ldy, packedInput, fuseSlope, nonzeros);
        if (n > 1)
        {
            PackInput(args);
        }

        // Four parts per thread: parts are claimed, so a worker that wakes late still takes some.
        int threads = Math.Min(maxThreads, GemmWorkerPool.Shared.WorkerCount + 1);
        int parts = Math.Min(4 * threads, w.PanelCount);
        if (threads > 1 && parts > 1 && (long)w.Rows * w.Columns * n >= ParallelThreshold && GemmWorkerPool.Shared.TryAcquire())
        {
            try
            {
                SharedJob.Prepare(args, parts);
                GemmWorkerPool.Shared.Run(SharedJob, parts);
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

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // The non-zero entries of x (values and indices, in order), without branches; returns how many. A zero
    // input adds nothing to W·x, so the matrix–vector product skips its column of W: ReLU outputs are often half
    // zero, and so are images' background pixels, and the product is bound by reading the weights.
    private static int Condense(float* x, int k, float* values, int* indices)
    {
        int count = 0;
        for (int j = 0; j < k; j++)
        {
            float v = x[j];
            values[count] = v;
            indices[count] = j;
            count += v != 0f ? 1 : 0;
        }

        return count;
    }

    // X's columns into Nr-wide tiles, k steps of Nr values each; missing columns of the last tile are zero.
    private static void PackInput(in Arguments args)
    {
        int nr = ManagedComputeBackend.TileOf(args.W.Kernel).Nr;
        int k = args.W.Columns;
        for (int t = 0; t * nr < args.N; t++)
        {
            float* tile = args.PackedInput + ((nint)t * k * nr);
            int width = Math.Min(nr, args.N - (t * nr));
            for (int c = 0; c < nr; c++)
            {
                if (c >= width)
                {
                    for (int j = 0; j < k; j++)
                    {
                        tile[(j * nr) + c] = 0f;
                    }

                    continue;
                }

                float* column = args.X + ((nint)((t * nr) + c) * args.Ldx);
                for (int j = 0; j < k; j++)
                {
                    tile[(j * nr) + c] = column[j];
                }
            }
        }
    }

    private static void RunPanels(in Arguments args, int first, int last)
    {
        switch (args.W.Kernel)
        {
            case GemmKernelKind.Avx512:
                RunPanels<Avx512MicroKernel>(args, first, last);
                break;
            case GemmKernelKind.Avx2:
                RunPanels<Avx2MicroKernel>(args, first, last);
                break;
            default:
                RunPanels<ScalarMicroKernel>(args, first, last);
                break;
        }
    }

    private static void RunPanels<TKernel>(in Arguments args, int first, int last)
        where TKernel : struct, IGemmMicroKernel
    {
        PackedWeights w = args.W;
        int k = w.Columns;
        int mr = TKernel.Mr;
        int nr = TKernel.Nr;
        for (int p = first; p < last; p++)
        {
            float* panel = w.Panels + ((nint)p * mr * k);
            float* bias = w.Bias + (p * mr);
            float* y = args.Y + (p * mr);
            if (args.N == 1)
            {
                if (args.Nonzeros * 8 < k * 7)
                {
                    SparseGemv(w.Kernel, panel, args.PackedInput, (int*)(args.PackedInput + k), args.Nonzeros, y);
                }
                else
                {
                    Gemv(w.Kernel, panel, args.X, k, y);
                }

                Epilogue(y, bias, mr, 1, args.Ldy, args.FuseSlope);
                continue;
            }

            bool half = w.Rows - (p * mr) <= mr / 2;
            for (int t = 0; t * nr < args.N; t++)
            {
                float* tile = args.PackedInput + ((nint)t * k * nr);
                float* c = y + ((nint)t * nr * args.Ldy);
                if (half)
                {
                    TKernel.RunHalf(k, panel, tile, c, args.Ldy, 1f, 0f);
                }
                else
                {
                    TKernel.Run(k, panel, tile, c, args.Ldy, 1f, 0f);
                }

                Epilogue(c, bias, half ? mr / 2 : mr, Math.Min(nr, args.N - (t * nr)), args.Ldy, args.FuseSlope);
            }
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

    // y[r, c] ← act(y[r, c] + b[r]) over a rows × columns tile (leading dimension ldy) while it is in L1.
    private static void Epilogue(float* y, float* bias, int rows, int columns, int ldy, float fuseSlope)
    {
        bool fuse = !float.IsNaN(fuseSlope);
        int width = Vector<float>.Count;
        var slope = new Vector<float>(fuse ? fuseSlope : 1f);
        for (int c = 0; c < columns; c++)
        {
            float* column = y + ((nint)c * ldy);
            int r = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; r + width <= rows; r += width)
                {
                    var z = Vector.Load(column + r) + Vector.Load(bias + r);
                    if (fuse)
                    {
                        z = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<float>.Zero), z, z * slope);
                    }

                    Vector.Store(z, column + r);
                }
            }

            for (; r < rows; r++)
            {
                float z = column[r] + bias[r];
                column[r] = fuse && !(z > 0) ? z * fuseSlope : z;
            }
        }
    }

    private readonly struct Arguments(PackedWeights w, float* x, int ldx, int n, float* y, int ldy, float* packedInput, float fuseSlope, int nonzeros)
    {
        public PackedWeights W { get; } = w;

        public float* X { get; } = x;

        public int Ldx { get; } = ldx;

        public int N { get; } = n;

        public float* Y { get; } = y;

        public int Ldy { get; } = ldy;

        public float* PackedInput { get; } = packedInput;

        public float FuseSlope { get; } = fuseSlope;

        // For one column: how many of its k inputs are not zero (their values and indices are in PackedInput).
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
