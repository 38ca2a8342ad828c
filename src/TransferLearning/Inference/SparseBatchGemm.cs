using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The inference product for a small batch whose inputs are often zero (images' background pixels; the outputs
// of ReLU layers), on AVX-512: Y ← g(W·X + b) with the examples as columns, skipping every column of W that
// neither example of a pair needs. W is read in its one-example packing (32-row panels, PackedWeights with
// Height = Mr); X and Y are column-major (example e at x + e·ldx, its outputs at y + e·w.PaddedRows), so no
// transpose is needed on the way in, between layers, or on the way out.
//
// Two examples share each weight load: for every input j that is not zero in at least one of them, the four
// panels' 128 rows of column j are loaded once and multiplied into both examples' sixteen accumulators. Alone,
// an example needs a load per multiply-add and ran at the speed of L1 loads (0.90 of the dense product's time on
// images, 0.88 after a ReLU layer); in pairs, 0.75 and 0.68–0.70 (784 → 512 and 512 → 256 at a batch of 32,
// one thread, AMD EPYC Zen 5). On inputs without zeros it takes 1.12 times as long as the dense product, so it is
// chosen only when pairs share enough zero inputs (SharesEnoughZeros tells). The weights are walked in blocks of
// 4 panels × 64 columns (32 KB), which stay in L1 while every pair of the batch passes over them; one mask per
// block and pair lists the columns to run (a mask per 16 columns, four loop exits to mispredict instead of
// one, made W5 on images 4 % slower).
//
// Each output is the same sum, in the same order, as the dense kernels compute: a skipped term adds exactly 0
// (only a sum that is zero may differ in its sign).
//
// On AVX2 (no AVX-512, or AVX-512 turned off: the backend's kernel decides), the same walk with 256-bit vectors on
// the AVX2 micro-kernel's packing of 16-row panels (Avx2Kernels): three panels × a pair of examples (12 of the 16
// registers), one panel × four examples, half a panel × eight.
//
// Why pairs, on AVX2 too (AMD EPYC Zen 3, Fashion-MNIST's test images through 784-512-256-10, probe-kernels images):
// the share of inputs a group of examples must run (the union of their non-zero inputs) is 50 % for one example,
// 66 % for 2, 78 % for 4, 83 % for 6, 86 % for 8, at every layer (the hidden layers' ReLU outputs alike); a group
// that shares a weight load needs its registers, so 3 panels × 2 examples (12 accumulators) is the least work per
// multiply-add kept in registers. Run one thread on 32 or 64 examples, the pair kernel reaches 77–79 GFLOP/s of
// the multiply-adds it runs against the dense batch product's 101 (88 without zeros: the masks' loop exits and
// the partial sums stored per block cost the rest), so a layer takes 0.81–0.84 of the dense product's time (0.96
// when each row block built its own masks and the inputs were fetched into L1 ahead of each block).
//
// The columns per block are chosen per CPU from its L1 data cache (ColumnBlockFor): a block of weights takes at most
// two thirds of it, in whole 16-column steps up to 64 (a mask is one 64-bit word).
internal static unsafe partial class SparseBatchGemm
{
    // The AVX-512 packing's panel height.
    private const int Mr = 32;

    private static readonly SparseJob SharedJob = new();

    // Diagnostics for tests: the products this thread has run here (counted only in the test process: TestHooks).
    [ThreadStatic]
    private static int _multipliesOnThisThread;

    public static int MultipliesOnThisThread => _multipliesOnThisThread;

    // Whether the kernel can run here: AVX-512, used by .NET's vectors (some CPUs have it turned off), and the
    // one-example packing of 32-row panels.
    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    // Whether the kernels of `kernel` (the backend's micro-kernel, whose packing the weights are in) run here.
    public static bool IsSupportedFor(GemmKernelKind kernel) => kernel switch
    {
        GemmKernelKind.Avx512 => IsSupported,
        GemmKernelKind.Avx2 => Avx2Kernels.IsSupported,
        _ => false,
    };

    // Columns of W per block for blocks of `blockBytesPerColumn` bytes a column in an L1 data cache of `l1Bytes`:
    // the block at most two thirds of L1, in steps of 16 columns, from 16 to 64. AVX-512 (4 panels × 32 rows, 512
    // bytes a column): 64 in a 48 KB L1 (Zen 5, where blocks of 128 columns, 64 KB, made W5 on images 5–8 % slower,
    // of 32 columns 5–14 %: alternating runs), 32 in a 32 KB L1 (Zen 4). AVX2 (3 panels × 16 rows, 192 bytes): 64.
    public static int ColumnBlockFor(int l1Bytes, int blockBytesPerColumn) =>
        Math.Clamp(2 * l1Bytes / 3 / blockBytesPerColumn / 16 * 16, 16, 64);

    // Examples whose zeros SharesEnoughZeros counts: the first eight (four pairs), contiguous.
    private const int SampledExamples = 8;

    // Whether the sparse product pays for the n examples' k inputs (example e at x + e·k): whether a sixth or
    // more of the inputs are zero in both examples of a pair, the columns it skips, counted on the first four
    // pairs (a batch's examples are alike: images, or a layer's outputs). It costs 1.12 times the dense product
    // with none skipped, 0.84 times with a third (images), so it breaks even near a seventh; a share of zeros in
    // single examples would mislead (with a quarter of zeros at random places a pair shares 6 %). The sample
    // reads 25 KB of a 784-input batch, not all of it: counting every pair, in the pass that checked the batch for
    // NaN and ∞ (now done by the first product, Multiply's checkFinite), made W5 on images 2.8 µs slower
    // (67.7 against 64.9 µs, alternating runs). (Pairing examples of about as many non-zero inputs, which share
    // more of them, ran no faster: 0.5 % on W5 of images.)
    public static bool SharesEnoughZeros(float* x, int k, int n)
    {
        // An example without a partner (the last of an odd batch under eight: a slice of one) pairs with itself.
        int examples = Math.Min(n, SampledExamples);
        int pairs = (examples + 1) / 2;
        long shared = 0;
        for (int p = 0; p < pairs; p++)
        {
            float* first = x + ((nint)(2 * p) * k);
            float* second = 2 * p + 1 < examples ? first + k : first;
            int j = 0;
            for (; j + 8 <= k; j += 8)
            {
                var zero = Vector256.Equals(Vector256.Load(first + j), Vector256<float>.Zero) & Vector256.Equals(Vector256.Load(second + j), Vector256<float>.Zero);
                shared += BitOperations.PopCount(zero.ExtractMostSignificantBits());
            }

            for (; j < k; j++)
            {
                shared += first[j] == 0f && second[j] == 0f ? 1 : 0;
            }
        }

        return shared * 6 >= (long)k * pairs;
    }

    // Y ← act(W·X + b) for n examples: act is LeakyReLU(slope) when fuseSlope is a number (0: ReLU), the identity
    // when NaN. w must be packed in panels of 32 rows for the AVX-512 kernel, 16 for AVX2 (w.Kernel's Mr); y has w.PaddedRows values per example (the rows past w.Rows
    // are act(0)). `prefetch` (optional) is fetched into L2 a share per block, as in PackedBatchGemm. With
    // checkFinite, returns false when X holds NaN or ±∞ (Y is then unspecified): the pass that builds the pairs'
    // masks (BuildMasks) reads every input, and tests them as it goes (v − v is 0 for a finite v and NaN
    // otherwise), so a batch is read once for both instead of first by a pass of its own. Without it, returns true.
    public static bool Multiply(
        PackedWeights w, float* x, int ldx, int n, float* y, float fuseSlope, int maxThreads, bool checkFinite = false, float* prefetch = null, int prefetchFloats = 0)
    {
        int height = w.Kernel == GemmKernelKind.Avx2 ? Avx2Kernels.Height : Avx512Kernels.Height;
        if (w.Height != height || !IsSupportedFor(w.Kernel))
        {
            throw new InvalidOperationException($"Expected weights packed for a sparse kernel of this CPU in panels of {height} rows but got {w.Kernel} in panels of {w.Height}.");
        }

        if (TestHooks.Enabled)
        {
            _multipliesOnThisThread++;
        }

        int prefetchLines = (int)(((long)prefetchFloats * sizeof(float) + 63) / 64);
        int blocks = RowBlocks(w);
        int columnBlock = w.Kernel == GemmKernelKind.Avx2 ? Avx2Kernels.ColumnBlock : Avx512Kernels.ColumnBlock;
        int columnBlocks = (w.Columns + columnBlock - 1) / columnBlock;
        ulong* masks = MaskBuffer(((n + 1) / 2) * columnBlocks);
        bool built = w.Kernel == GemmKernelKind.Avx2
            ? BuildMasks<Avx2Kernels>(x, ldx, n, w.Columns, masks, checkFinite)
            : BuildMasks<Avx512Kernels>(x, ldx, n, w.Columns, masks, checkFinite);
        if (!built)
        {
            return false;
        }

        int threads = Math.Min(maxThreads, GemmWorkerPool.Shared.WorkerCount + 1);
        if (threads > 1 && blocks > 1 && (long)w.Rows * w.Columns * n >= PackedGemm.ParallelThreshold && GemmWorkerPool.Shared.TryAcquire())
        {
            try
            {
                SharedJob.Prepare(new Arguments(w, x, ldx, n, y, fuseSlope, masks, columnBlocks, (byte*)prefetch, prefetchLines));
                GemmWorkerPool.Shared.Run(SharedJob, blocks, threads);
                return true;
            }
            finally
            {
                SharedJob.Clear();
                GemmWorkerPool.Shared.Release();
            }
        }

        var args = new Arguments(w, x, ldx, n, y, fuseSlope, masks, columnBlocks, (byte*)prefetch, prefetchLines);
        for (int block = 0; block < blocks; block++)
        {
            RunBlock(args, block, blocks);
        }

        return true;
    }

    // This thread's masks of the pairs' non-zero inputs: grown when a batch or layer needs more, never shrunk
    // (steady-state calls allocate nothing). A worker reads the caller's through Arguments while it runs.
    [ThreadStatic]
    private static ulong[]? _masks;

    private static ulong* MaskBuffer(int count)
    {
        if (_masks is null || _masks.Length < count)
        {
            _masks = GC.AllocateArray<ulong>(Math.Max(count, 512), pinned: true);
        }

        return (ulong*)Unsafe.AsPointer(ref _masks[0]);
    }

    // The masks of every pair of examples (2p, 2p + 1; the last of an odd batch with itself) and every block of
    // columns, at masks[p · blocks + b], once per product: every row block reads them (built by each row block, a
    // mask per pair and block was 12 times the work on 784 → 512 on AVX2, and read the batch 12 times). A group
    // of four or eight examples ORs its pairs' masks. With checkFinite, false when an input is NaN or ±∞ (the
    // masks are then incomplete).
    private static bool BuildMasks<TK>(float* x, int ldx, int n, int k, ulong* masks, bool checkFinite)
        where TK : struct, ISparseKernels
    {
        int columnBlock = TK.ColumnBlock;
        uint nonFinite = 0;
        for (int e = 0; e < n; e += 2)
        {
            float* x0 = x + ((nint)e * ldx);
            float* x1 = e + 1 < n ? x0 + ldx : x0;
            for (int k0 = 0, b = 0; k0 < k; k0 += columnBlock, b++)
            {
                int k1 = Math.Min(k, k0 + columnBlock);
                masks[b] = TK.NonzeroMask(x0, x1, k0, k1, checkFinite, ref nonFinite);
            }

            masks += (k + columnBlock - 1) / columnBlock;
        }

        return nonFinite == 0;
    }

    // Row block `block` of `blocks` on the kernels of the weights' packing.
    private static void RunBlock(in Arguments args, int block, int blocks)
    {
        if (args.W.Kernel == GemmKernelKind.Avx2)
        {
            RunBlock<Avx2Kernels>(args, block, blocks);
        }
        else
        {
            RunBlock<Avx512Kernels>(args, block, blocks);
        }
    }

    // Row blocks of BlockPanels panels, then one per panel left over.
    private static int RowBlocks(PackedWeights w)
    {
        int blockPanels = w.Kernel == GemmKernelKind.Avx2 ? Avx2Kernels.BlockPanels : Avx512Kernels.BlockPanels;
        return (w.PanelCount / blockPanels) + (w.PanelCount % blockPanels);
    }

    private static void RunBlock<TK>(in Arguments args, int block, int blocks)
        where TK : struct, ISparseKernels
    {
        PackedWeights w = args.W;
        int k = w.Columns;
        int whole = w.PanelCount / TK.BlockPanels;
        int firstPanel = block < whole ? block * TK.BlockPanels : (whole * TK.BlockPanels) + (block - whole);
        int panels = block < whole ? TK.BlockPanels : 1;
        int height = TK.Height;
        int columnBlock = TK.ColumnBlock;
        long stride = (long)height * k;
        float* a = w.Panels + (firstPanel * stride);
        float* bias = w.Bias + (firstPanel * height);
        int lines = args.PrefetchLines;
        int steps = ((k + columnBlock - 1) / columnBlock) * blocks;
        int step = block * ((k + columnBlock - 1) / columnBlock);
        float** xs = stackalloc float*[8];   // a group of eight examples (Half8)
        float** ys = stackalloc float*[8];

        // A block of panels (four of 32 rows on AVX-512, three of 16 on AVX2): two examples at a time (16 or 12
        // accumulators). One panel: four (8 accumulators, enough independent sums to cover the latency of the
        // multiply-adds; two examples left it at half speed), or, when the panel holds half its rows or fewer,
        // eight, a vector each (a small hidden layer: InferencePlan runs an output layer that small on the dense
        // product, which was faster).
        bool halfPanel = panels == 1 && w.Rows - (firstPanel * height) <= height / 2;
        int group = panels == TK.BlockPanels ? 2 : halfPanel ? 8 : 4;

        int columnBlocks = args.ColumnBlocks;
        if (TK.PrefetchesInputs)
        {
            PrefetchInputs(args, 0, columnBlock);
        }

        for (int k0 = 0, cb = 0; k0 < k; k0 += columnBlock, cb++, step++)
        {
            if (TK.PrefetchesInputs)
            {
                PrefetchInputs(args, k0 + columnBlock, columnBlock);
            }

            if (Sse.IsSupported && args.Prefetch != null)
            {
                int from = (int)((long)lines * step / steps);
                int until = (int)((long)lines * (step + 1) / steps);
                for (int line = from; line < until; line++)
                {
                    Sse.Prefetch1(args.Prefetch + ((nint)line * 64));
                }
            }

            int k1 = Math.Min(k, k0 + columnBlock);
            bool first = k0 == 0;
            bool last = k1 == k;
            for (int e = 0; e < args.N; e += group)
            {
                float* x0 = Example(args, e, firstPanel * height, out float* y0);
                float* x1 = Or(Example(args, e + 1, firstPanel * height, out float* y1), x0);
                ulong* pairMasks = args.Masks + ((nint)(e / 2) * columnBlocks) + cb;
                ulong mask = pairMasks[0];
                if (panels == TK.BlockPanels)
                {
                    TK.Pair(a, stride, x0, x1, mask, k0, y0, y1, first, last, bias, args.FuseSlope);
                    continue;
                }

                float* x2 = Or(Example(args, e + 2, firstPanel * height, out float* y2), x0);
                float* x3 = Or(Example(args, e + 3, firstPanel * height, out float* y3), x0);
                mask |= e + 2 < args.N ? pairMasks[columnBlocks] : 0UL;
                if (!halfPanel)
                {
                    TK.Quad1(a, x0, x1, x2, x3, mask, k0, y0, y1, y2, y3, first, last, bias, args.FuseSlope);
                    continue;
                }

                xs[0] = x0;
                xs[1] = x1;
                xs[2] = x2;
                xs[3] = x3;
                ys[0] = y0;
                ys[1] = y1;
                ys[2] = y2;
                ys[3] = y3;
                for (int i = 4; i < 8; i++)
                {
                    xs[i] = Or(Example(args, e + i, firstPanel * height, out ys[i]), x0);
                }

                mask |= (e + 4 < args.N ? pairMasks[2 * columnBlocks] : 0UL) | (e + 6 < args.N ? pairMasks[3 * columnBlocks] : 0UL);
                TK.Half8(a, mask, k0, xs, ys, first, last, bias, args.FuseSlope);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Or(float* x, float* fallback) => x != null ? x : fallback;

    // The inputs of example e, and in y its outputs from row firstRow; nulls past the last example.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Example(in Arguments args, int e, int firstRow, out float* y)
    {
        if (e >= args.N)
        {
            y = null;
            return null;
        }

        y = args.Y + ((nint)e * args.W.PaddedRows) + firstRow;
        return args.X + ((nint)e * args.Ldx);
    }

    // Fetches every example's inputs k0 .. k0+63 into L1 ahead of their block: the pairs read them a few lines at
    // a time, example after example, which the hardware prefetchers do not follow, and they were written by the
    // other core (the previous layer's other half) or come from memory (a new batch). W5 on images: 0.5 µs of
    // 68 faster, in each of three alternating runs.
    // AVX-512 only (ISparseKernels.PrefetchesInputs): on AVX2 (Zen 3, a 32 KB L1 that the block of weights, 12 KB,
    // shares with the inputs of 32 or 64 examples, 8 or 16 KB, and their sums) it evicted the weights: without it
    // 784 → 512 and 512 → 256 on 32 and 64 images ran in 0.79–0.82 of the dense product's time, with it 0.84–0.87
    // (one thread, min of 5,000 calls, probe-kernels images).
    private static void PrefetchInputs(in Arguments args, int k0, int columnBlock)
    {
        int k = args.W.Columns;
        if (!Sse.IsSupported || k0 >= k)
        {
            return;
        }

        int k1 = Math.Min(k, k0 + columnBlock);
        for (int e = 0; e < args.N; e++)
        {
            float* x = args.X + ((nint)e * args.Ldx);
            for (int j = k0; j < k1; j += 16)
            {
                Sse.Prefetch0(x + j);
            }

            Sse.Prefetch0(x + k1 - 1);
        }
    }

    // The mask of inputs k0 .. k1-1 (at most 64) that are not zero in x0 or x1: bit i for input k0 + i. With
    // `check`, also ORs into nonFinite the bits of v − v for every input v (all 0 when every v is finite; ±∞ − ±∞
    // and NaN − NaN are NaN).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonzeroMask512(float* x0, float* x1, int k0, int k1, bool check, ref uint nonFinite)
    {
        var notFinite = Vector512<uint>.Zero;
        ulong mask = 0;
        int j = k0;
        for (; j + 16 <= k1; j += 16)
        {
            var v0 = Vector512.Load(x0 + j);
            var v1 = Vector512.Load(x1 + j);
            if (check)
            {
                notFinite |= (v0 - v0).AsUInt32() | (v1 - v1).AsUInt32();
            }

            var zero = Vector512.Equals(v0, Vector512<float>.Zero) & Vector512.Equals(v1, Vector512<float>.Zero);
            mask |= (ulong)(~(uint)zero.ExtractMostSignificantBits() & 0xFFFFu) << (j - k0);
        }

        for (; j < k1; j++)
        {
            mask |= x0[j] != 0f || x1[j] != 0f ? 1UL << (j - k0) : 0UL;
            if (check && !(float.IsFinite(x0[j]) && float.IsFinite(x1[j])))
            {
                nonFinite = 1;
            }
        }

        if (notFinite != Vector512<uint>.Zero)
        {
            nonFinite = 1;
        }

        return mask;
    }

    // The register kernels of one instruction set, and its blocking.
    private interface ISparseKernels
    {
        // Rows per panel of the packing (the micro-kernel's Mr).
        static abstract int Height { get; }

        // Panels per row block of Pair.
        static abstract int BlockPanels { get; }

        // Columns of W per block (ColumnBlockFor this CPU).
        static abstract int ColumnBlock { get; }

        // Whether RunBlock fetches each block's inputs into L1 ahead of it (PrefetchInputs).
        static abstract bool PrefetchesInputs { get; }

        // The mask of inputs k0 .. k1-1 not zero in x0 or x1; with `check`, sets nonFinite to 1 when one is NaN or ±∞.
        static abstract ulong NonzeroMask(float* x0, float* x1, int k0, int k1, bool check, ref uint nonFinite);

        // BlockPanels panels (`stride` floats apart) for a pair of examples (y1 null: x0 alone).
        static abstract void Pair(float* a, long stride, float* x0, float* x1, ulong mask, int k0, float* y0, float* y1, bool first, bool last, float* bias, float fuseSlope);

        // One panel for four examples (a null y: absent, its x a repeat of x0).
        static abstract void Quad1(
            float* a, float* x0, float* x1, float* x2, float* x3, ulong mask, int k0, float* y0, float* y1, float* y2, float* y3, bool first, bool last, float* bias, float fuseSlope);

        // The first half of one panel (all its rows) for eight examples.
        static abstract void Half8(float* a, ulong mask, int k0, float** x, float** y, bool first, bool last, float* bias, float fuseSlope);
    }

    // The AVX-512 kernels (SparseBatchGemm.Kernels.cs): 4 panels of 32 rows per block (16 of the 32 registers).
    private readonly struct Avx512Kernels : ISparseKernels
    {
        private static readonly int Columns = ColumnBlockFor(CpuCache.L1DataBytes(fallback: 48 * 1024), 4 * Mr * sizeof(float));

        public static int Height => Mr;

        public static int BlockPanels => 4;

        public static int ColumnBlock => Columns;

        public static bool PrefetchesInputs => true;

        public static ulong NonzeroMask(float* x0, float* x1, int k0, int k1, bool check, ref uint nonFinite) =>
            NonzeroMask512(x0, x1, k0, k1, check, ref nonFinite);

        public static void Pair(float* a, long stride, float* x0, float* x1, ulong mask, int k0, float* y0, float* y1, bool first, bool last, float* bias, float fuseSlope) =>
            Pair4(a, stride, x0, x1, mask, k0, y0, y1, first, last, bias, fuseSlope);

        public static void Quad1(
            float* a, float* x0, float* x1, float* x2, float* x3, ulong mask, int k0, float* y0, float* y1, float* y2, float* y3, bool first, bool last, float* bias, float fuseSlope) =>
            SparseBatchGemm.Quad1(a, x0, x1, x2, x3, mask, k0, y0, y1, y2, y3, first, last, bias, fuseSlope);

        public static void Half8(float* a, ulong mask, int k0, float** x, float** y, bool first, bool last, float* bias, float fuseSlope) =>
            SparseBatchGemm.Half8(a, mask, k0, x, y, first, last, bias, fuseSlope);
    }

    private readonly struct Arguments(PackedWeights w, float* x, int ldx, int n, float* y, float fuseSlope, ulong* masks, int columnBlocks, byte* prefetch, int prefetchLines)
    {
        public PackedWeights W { get; } = w;

        public float* X { get; } = x;

        public int Ldx { get; } = ldx;

        public int N { get; } = n;

        public float* Y { get; } = y;

        public float FuseSlope { get; } = fuseSlope;

        // The pairs' masks (BuildMasks): pair p's block b at Masks[p · ColumnBlocks + b].
        public ulong* Masks { get; } = masks;

        public int ColumnBlocks { get; } = columnBlocks;

        public byte* Prefetch { get; } = prefetch;

        public int PrefetchLines { get; } = prefetchLines;
    }

    // A row block per part (the caller from the first block up, a worker from the last down). Guarded by the pool's lock.
    private sealed class SparseJob : IParallelWork
    {
        private Arguments _args;

        public void Prepare(in Arguments args) => _args = args;

        public void Clear() => _args = default;

        public void Execute(int part) => RunBlock(_args, part, RowBlocks(_args.W));
    }
}
