using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute;

// The two training products of a layer whose inputs X (k × m, column-major, example e at x + e·k) are often zero,
// with the terms of zero inputs skipped (SparseInputMasks lists them):
//   forward          Z ← W·X + Z     (Z holds b broadcast: the dense path's C ← 1·W·X + 1·C)
//   weight gradient  dW ← α·dZ·Xᵀ    (the dense path's C ← α·dZ·Xᵀ + 0·C)
// with W and dW n × k, Z and dZ n × m, all column-major (leading dimensions n and k), as DenseLayer holds them.
//
// The same sums as the managed GEMM (GemmDriver with either SIMD micro-kernel), bit for bit: each element there is
// a chain of fused multiply-adds over k in order from 0, in partial sums of KcStep(k) terms each started at +0 and
// added to C in turn (C ← S + C), and the gradient's sum scaled once (α·S). The chains here are the same chains
// with the terms of zero inputs left out, and a left-out term adds exactly +0 or −0 to a sum that is never −0
// (a chain started at +0 stays off −0 in round-to-nearest), which changes nothing. Only a product of a zero input
// with an infinite or NaN weight or gradient (NaN in the dense product, skipped here) differs; training stops on
// those anyway (DivergenceGuard). The weight gradient takes this path only for batches of at most KcMax examples
// (one partial sum, as in every batch size the benchmarks and samples use).
//
// The forward product runs each example over its own inputs that are not zero (on Fashion-MNIST's images 50 % of
// the terms; pairs of examples over the inputs of either, as before, ran 66 %); the weight gradient runs pairs of
// adjacent inputs over the examples where either is not zero (55 %; groups of four ran 61 %), the other input's
// zero terms kept (they add ±0: the same bits).
//
// 256-bit vectors with FMA (AVX2; the AVX-512 kernels' sums are the same per element), split between the calling
// thread and the GEMM worker pool by row blocks; per-thread scratch from GemmPackBuffers (no allocation in the
// steady state).
internal static unsafe partial class SparseTrainingGemm
{
    // Rows of a forward block: eight vectors of one example (8 accumulators).
    private const int ForwardRows = 64;

    // Rows of a gradient block: six vectors for each of a pair of inputs (12 accumulators); of a narrow one (see
    // GradientBlocks), four (8 accumulators).
    private const int GradientRows = 48;

    private const int NarrowGradientRows = 32;

    // The 512-bit kernels' blocks (`wide`, for backends on the AVX-512 kernel): 128 forward rows (eight vectors) over
    // 32 columns at a time (16 KB of packed weights, as the 256-bit blocks), 64 gradient rows (four vectors for each
    // input of a pair: eight accumulators; the 24 or 32 KB of dZ a batch of 96 or 128 packs stay in L1). No narrow
    // blocks: 64 rows split 512 and 256 evenly between two threads.
    private const int WideForwardRows = 128;

    private const int WideColumnBlock = 32;

    private const int WideGradientRows = 64;

    // Columns of W per forward step (64 rows × 64 columns × 4 bytes = 16 KB of packed weights, in L1 while every
    // example of the batch passes over it).
    private const int ColumnBlock = 64;

    // Examples per pass of the forward product over a row block's columns.
    private const int ExampleChunk = 16;

    // Below this many multiply-adds a product runs on the calling thread only (as ManagedComputeBackend).
    private const long ParallelThreshold = 1L << 17;

    private static readonly ForwardJob SharedForwardJob = new();
    private static readonly GradientJob SharedGradientJob = new();

    // Diagnostics for tests: the zero-skipping products this thread has run (counted only in the test process).
    [ThreadStatic]
    private static int _forwardsOnThisThread;

    [ThreadStatic]
    private static int _gradientsOnThisThread;

    public static int ForwardsOnThisThread => _forwardsOnThisThread;

    public static int GradientsOnThisThread => _gradientsOnThisThread;

    // Whether the kernels can run here: 256-bit FMA, used by .NET's vectors.
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;

    // Whether the 512-bit kernels can run here (`wide`).
    public static bool IsWideSupported => IsSupported && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    // Whether the products of a backend on the dense `kernel` can skip zeros here: with kernels as wide as the dense
    // ones (256-bit for AVX2, 512-bit for AVX-512; the 256-bit ones lost to the 512-bit dense products).
    public static bool Supports(GemmKernelKind kernel) => kernel switch
    {
        GemmKernelKind.Avx2 => IsSupported,
        GemmKernelKind.Avx512 => IsWideSupported,
        _ => false,
    };

    // Whether a backend on the dense `kernel` takes the 512-bit kernels.
    public static bool IsWide(GemmKernelKind kernel) => kernel == GemmKernelKind.Avx512;

    // Whether the weight gradient of a batch of m examples can take this path (one partial sum per element).
    public static bool GradientFits(int m) => m <= GemmDriver<Avx2MicroKernel>.KcMax;

    // The forward product skips zeros when it runs at most this share of the dense multiply-adds, the weight
    // gradient when it does: above, its terms (at about 0.6-0.75 of the dense kernels' speed per term, the masks'
    // pass included) cost more than the dense product. Measured on Fashion-MNIST's training batches with a share of
    // their zero pixels filled, one core of a Zen 3: the forward product breaks even at about 0.65-0.7 of the terms
    // (0.50: 0.87-0.89× the dense time, 0.60: 0.91-0.93×, 0.70: 0.99-1.05×), the weight gradient at about 0.75
    // (0.56: 0.81×, 0.72: 0.95×, 0.84: 1.10×).
    public const double ForwardWorkLimit = 0.6;

    public const double GradientWorkLimit = 0.7;

    // Analyses the batch x (masks.Inputs × m) for the products below; whether either skips zeros. `always`
    // (tests): both do, however few zeros the batch has (the gradient when the batch fits).
    public static bool Analyse(SparseInputMasks masks, ReadOnlySpan<float> x, int m, bool always = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, masks.Inputs * m);
        double forward = always ? double.PositiveInfinity : ForwardWorkLimit;
        double gradient = !GradientFits(m) ? -1 : always ? double.PositiveInfinity : GradientWorkLimit;
        fixed (float* px = x)
        {
            return masks.Analyse(px, m, forward, gradient, sampleFirst: !always);
        }
    }

    // Z ← W·X + Z for the batch the masks analysed (W: z.Length / m × masks.Inputs); `wide`: the 512-bit kernels.
    public static void Forward(SparseInputMasks masks, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> z, int maxThreads, bool wide = false)
    {
        int n = z.Length / masks.Batch;
        ArgumentOutOfRangeException.ThrowIfLessThan(w.Length, n * masks.Inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, masks.Inputs * masks.Batch);
        fixed (float* pw = w)
        fixed (float* px = x)
        fixed (float* pz = z)
        {
            Forward(masks, pw, n, px, pz, maxThreads, wide);
        }
    }

    // dW ← alpha·dZ·Xᵀ for the batch the masks analysed (dZ: dz.Length / m rows); `wide`: the 512-bit kernels.
    public static void WeightGradient(SparseInputMasks masks, ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> dw, float alpha, int maxThreads, bool wide = false)
    {
        int n = dz.Length / masks.Batch;
        ArgumentOutOfRangeException.ThrowIfLessThan(dw.Length, n * masks.Inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(x.Length, masks.Inputs * masks.Batch);
        fixed (float* pdz = dz)
        fixed (float* px = x)
        fixed (float* pdw = dw)
        {
            WeightGradient(masks, pdz, n, px, pdw, alpha, maxThreads, wide);
        }
    }

    // Z ← W·X + Z over the inputs the masks list (n × k weights w, ld n; z n × m, ld n).
    public static void Forward(SparseInputMasks masks, float* w, int n, float* x, float* z, int maxThreads, bool wide = false)
    {
        if (wide && !IsWideSupported)
        {
            throw new PlatformNotSupportedException("The 512-bit zero-skipping kernels need AVX-512.");
        }

        if (TestHooks.Enabled)
        {
            _forwardsOnThisThread++;
        }

        var args = new Arguments(masks, w, n, x, z, 1f, wide);
        int height = wide ? WideForwardRows : ForwardRows;
        int blocks = (n + height - 1) / height;
        if (!RunParallel(SharedForwardJob, args, blocks, maxThreads))
        {
            for (int b = 0; b < blocks; b++)
            {
                ForwardBlock(args, b);
            }
        }
    }

    // dW ← alpha·dZ·Xᵀ over the examples the masks list (dz n × m, ld n; dw n × k, ld n); m ≤ KcMax.
    public static void WeightGradient(SparseInputMasks masks, float* dz, int n, float* x, float* dw, float alpha, int maxThreads, bool wide = false)
    {
        if (wide && !IsWideSupported)
        {
            throw new PlatformNotSupportedException("The 512-bit zero-skipping kernels need AVX-512.");
        }

        if (!GradientFits(masks.Batch))
        {
            throw new InvalidOperationException($"Expected a batch of at most {GemmDriver<Avx2MicroKernel>.KcMax} examples but got {masks.Batch}.");
        }

        if (TestHooks.Enabled)
        {
            _gradientsOnThisThread++;
        }

        var args = new Arguments(masks, dz, n, x, dw, alpha, wide);
        int blocks = wide ? (n + WideGradientRows - 1) / WideGradientRows : GradientBlocks(n, out _, out _);
        if (!RunParallel(SharedGradientJob, args, blocks, maxThreads))
        {
            for (int b = 0; b < blocks; b++)
            {
                GradientBlock(args, b);
            }
        }
    }

    private static bool RunParallel(Job job, in Arguments args, int blocks, int maxThreads)
    {
        var pool = GemmWorkerPool.Shared;
        int threads = Math.Min(maxThreads, pool.WorkerCount + 1);
        long work = (long)args.N * args.Masks.Inputs * args.Masks.Batch;
        if (threads < 2 || blocks < 2 || work < ParallelThreshold || !pool.TryAcquire())
        {
            return false;
        }

        try
        {
            job.Prepare(args);
            pool.Run(job, blocks, threads);
            return true;
        }
        finally
        {
            job.Clear();
            pool.Release();
        }
    }

    // Rows 64b .. 64b+63 of Z: W's rows packed into one panel (64 values per column, zero rows past n), then per
    // chunk of 16 examples, per partial sum of the dense product (KcStep columns) and per block of 64 columns in it,
    // each example of the chunk over its columns that are not zero, the running sums kept in a scratch of 64 values
    // per example; at the end of a partial sum, Z ← S + Z. The block's 16 KB of the panel, the chunk's 4 KB of sums
    // and its 4 KB of inputs stay in L1 (with the whole batch's sums, 32 KB, the panel was evicted on every pass:
    // half the speed).
    private static void ForwardBlock(in Arguments args, int block)
    {
        var masks = args.Masks;
        int k = masks.Inputs;
        int m = masks.Batch;
        int n = args.N;
        bool wide = args.Wide;
        int height = wide ? WideForwardRows : ForwardRows;
        int columnBlock = wide ? WideColumnBlock : ColumnBlock;
        int i0 = block * height;
        int rows = Math.Min(height, n - i0);
        var buffers = GemmPackBuffers.Current;
        float* panel = buffers.A(height * k);
        float* sums = buffers.B(height * ExampleChunk);
        PackRows(args.A, n, i0, rows, k, height, panel);
        int kcStep = GemmDriver<Avx2MicroKernel>.KcStep(k);
        for (int e0 = 0; e0 < m; e0 += ExampleChunk)
        {
            int e1 = Math.Min(m, e0 + ExampleChunk);
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kcEnd = Math.Min(k, pc + kcStep);
                for (int k0 = pc; k0 < kcEnd; k0 += columnBlock)
                {
                    int count = Math.Min(columnBlock, kcEnd - k0);
                    bool first = k0 == pc;
                    for (int e = e0; e < e1; e++)
                    {
                        ulong mask = SparseInputMasks.Window(masks.ExampleMask(e), masks.InputWords, k0, count);
                        float* s = sums + ((nint)(e - e0) * height);
                        if (wide)
                        {
                            ForwardOne512(panel, args.X + ((nint)e * k), mask, k0, s, first);
                        }
                        else
                        {
                            ForwardOne(panel, args.X + ((nint)e * k), mask, k0, s, first);
                        }
                    }
                }

                for (int e = e0; e < e1; e++)
                {
                    AddInto(sums + ((nint)(e - e0) * height), args.C + ((nint)e * n) + i0, rows);
                }
            }
        }
    }

    // The weight gradient's row blocks: `wide` of 48 rows and `narrow` of 32 (the 32-row blocks in the middle of the
    // rows, so the first half of the blocks, which the calling thread claims while the worker claims from the end,
    // holds half the rows). Two blocks of 48 become three of 32 when that makes the count even: 512 rows in 10 × 48
    // + 32 split 288 / 224 between two threads, in 8 × 48 + 4 × 32 256 / 256. Where 48 and 32 do not tile n, blocks
    // of 48, the last cut short. Returns the number of blocks.
    private static int GradientBlocks(int n, out int wide, out int narrow)
    {
        wide = n / GradientRows;
        int rest = n - (wide * GradientRows);
        narrow = rest == NarrowGradientRows ? 1 : 0;
        if (rest != 0 && narrow == 0)
        {
            wide++;
            return wide;
        }

        if ((wide + narrow) % 2 == 1 && wide >= 2)
        {
            wide -= 2;
            narrow += 3;
        }

        return wide + narrow;
    }

    // Block `block`'s first row and height (48 or 32).
    private static (int I0, int Height) GradientBlockRows(int n, int block)
    {
        GradientBlocks(n, out int wide, out int narrow);
        int before = wide / 2;
        if (narrow == 0 || block < before)
        {
            return (block * GradientRows, GradientRows);
        }

        if (block < before + narrow)
        {
            return ((before * GradientRows) + ((block - before) * NarrowGradientRows), NarrowGradientRows);
        }

        return ((before * GradientRows) + (narrow * NarrowGradientRows) + ((block - before - narrow) * GradientRows), GradientRows);
    }

    // Rows i0 .. i0+47 (or +31) of dW: dZ's rows packed (48 values per example, zero rows past the block: 24 KB for a
    // batch of 128, in L1), then per pair of inputs the examples where one of them is not zero, α·S stored into the
    // pair's two columns of dW.
    private static void GradientBlock(in Arguments args, int block)
    {
        var masks = args.Masks;
        int k = masks.Inputs;
        int m = masks.Batch;
        int n = args.N;
        bool wide = args.Wide;
        int stride = wide ? WideGradientRows : GradientRows;
        var (i0, height) = wide ? (block * WideGradientRows, WideGradientRows) : GradientBlockRows(n, block);
        int rows = Math.Min(height, n - i0);
        float* packed = GemmPackBuffers.Current.A(stride * m);
        PackRows(args.A, n, i0, rows, m, stride, packed);
        float* tile = stackalloc float[WideGradientRows * SparseInputMasks.GroupInputs];
        bool whole = rows == stride;
        bool narrow = !wide && rows == NarrowGradientRows && height == NarrowGradientRows;
        int fullGroups = k / SparseInputMasks.GroupInputs;
        for (int g = 0; g < masks.Groups; g++)
        {
            int j = g * SparseInputMasks.GroupInputs;
            ulong* mask = masks.GroupMask(g);
            float* dw = args.C + ((nint)j * n) + i0;
            if (g < fullGroups)
            {
                if (wide)
                {
                    float* to = whole ? dw : tile;
                    GradientPair512(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, to, whole ? n : WideGradientRows);
                    if (!whole)
                    {
                        for (int q = 0; q < SparseInputMasks.GroupInputs; q++)
                        {
                            new ReadOnlySpan<float>(tile + (q * WideGradientRows), rows).CopyTo(new Span<float>(dw + ((nint)q * n), rows));
                        }
                    }
                }
                else if (whole)
                {
                    GradientPair(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, dw, n);
                }
                else if (narrow)
                {
                    NarrowGradientPair(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, dw, n);
                }
                else
                {
                    GradientPair(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, tile, GradientRows);
                    for (int q = 0; q < SparseInputMasks.GroupInputs; q++)
                    {
                        new ReadOnlySpan<float>(tile + (q * GradientRows), rows).CopyTo(new Span<float>(dw + ((nint)q * n), rows));
                    }
                }

                continue;
            }

            if (wide)
            {
                GradientOne512(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, tile);
            }
            else
            {
                GradientOne(packed, args.X + j, k, mask, masks.ExampleWords, args.Alpha, tile);
            }

            new ReadOnlySpan<float>(tile, rows).CopyTo(new Span<float>(dw, rows));
        }
    }

    // panel[c·height + r] = a[(i0 + r) + c·lda] for r < rows (0 for rows ≤ r < height), c < columns. Whole blocks
    // (height a multiple of 8) copy vectors, each column prefetched a few ahead: the columns lie a leading dimension
    // apart (2 KB for W1), a stride the hardware prefetchers miss, and a 784 → 512 layer's weights come from L3
    // (the forward product's packing took a sixth of its time without it).
    private static void PackRows(float* a, int lda, int i0, int rows, int columns, int height, float* panel)
    {
        const int Ahead = 4;
        if (rows == height && height % Vector256<float>.Count == 0)
        {
            for (int c = 0; c < columns; c++)
            {
                float* from = a + ((nint)c * lda) + i0;
                float* to = panel + ((nint)c * height);
                if (c + Ahead < columns)
                {
                    float* next = from + ((nint)Ahead * lda);
                    for (int r = 0; r < height; r += 16)
                    {
                        Sse.Prefetch0(next + r);
                    }
                }

                for (int r = 0; r < height; r += Vector256<float>.Count)
                {
                    Vector256.Store(Vector256.Load(from + r), to + r);
                }
            }

            return;
        }

        for (int c = 0; c < columns; c++)
        {
            float* to = panel + ((nint)c * height);
            new ReadOnlySpan<float>(a + ((nint)c * lda) + i0, rows).CopyTo(new Span<float>(to, rows));
            if (rows < height)
            {
                new Span<float>(to + rows, height - rows).Clear();
            }
        }
    }

    // s ← s + z, then z ← s: Z[i] = S[i] + Z[i] for the block's rows (the dense driver's C ← S + 1·C).
    private static void AddInto(float* s, float* z, int rows)
    {
        int r = 0;
        for (; r + Vector256<float>.Count <= rows; r += Vector256<float>.Count)
        {
            Vector256.Store(Vector256.Load(s + r) + Vector256.Load(z + r), z + r);
        }

        for (; r < rows; r++)
        {
            z[r] = s[r] + z[r];
        }
    }

    private readonly struct Arguments(SparseInputMasks masks, float* a, int n, float* x, float* c, float alpha, bool wide)
    {
        // The 512-bit kernels and their blocks.
        public bool Wide { get; } = wide;

        public SparseInputMasks Masks { get; } = masks;

        // W (forward) or dZ (gradient), n rows, leading dimension n.
        public float* A { get; } = a;

        public int N { get; } = n;

        public float* X { get; } = x;

        // Z (forward) or dW (gradient), leading dimension n.
        public float* C { get; } = c;

        public float Alpha { get; } = alpha;
    }

    // A row block per part. Guarded by the pool's lock.
    private abstract class Job : IParallelWork
    {
        protected Arguments Args { get; private set; }

        public void Prepare(in Arguments args) => Args = args;

        public void Clear() => Args = default;

        public abstract void Execute(int part);
    }

    private sealed class ForwardJob : Job
    {
        public override void Execute(int part) => ForwardBlock(Args, part);
    }

    private sealed class GradientJob : Job
    {
        public override void Execute(int part) => GradientBlock(Args, part);
    }
}
