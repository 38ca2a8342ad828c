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
internal static unsafe class SparseBatchGemm
{
    // Columns of W per block: 4 panels × 64 columns × 32 rows × 4 bytes = 32 KB, in a 48 KB L1. (Blocks of 128
    // columns, 64 KB, made W5 on images 5–8 % slower, of 32 columns 5–14 %: alternating runs.)
    private const int ColumnBlock = 64;

    // Panels per row block (the accumulators: 4 panels × 2 vectors × 2 examples = 16 of the 32 registers).
    private const int BlockPanels = 4;

    private const int Mr = 32;

    private static readonly SparseJob SharedJob = new();

    // Diagnostics for tests: the products this thread has run here (counted only in the test process: TestHooks).
    [ThreadStatic]
    private static int _multipliesOnThisThread;

    public static int MultipliesOnThisThread => _multipliesOnThisThread;

    // Whether the kernel can run here: AVX-512, used by .NET's vectors (some CPUs have it turned off), and the
    // one-example packing of 32-row panels.
    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

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
            for (; j + 16 <= k; j += 16)
            {
                var zero = Vector512.Equals(Vector512.Load(first + j), Vector512<float>.Zero) & Vector512.Equals(Vector512.Load(second + j), Vector512<float>.Zero);
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
    // when NaN. w must be packed in panels of 32 rows; y has w.PaddedRows values per example (the rows past w.Rows
    // are act(0)). `prefetch` (optional) is fetched into L2 a share per block, as in PackedBatchGemm. With
    // checkFinite, returns false when X holds NaN or ±∞ (Y is then unspecified): the first row block reads every
    // input to find the columns its pairs need, and tests them as it goes (v − v is 0 for a finite v and NaN
    // otherwise), so a batch is read once, by the product, instead of first by a pass of its own. Without it,
    // returns true.
    public static bool Multiply(
        PackedWeights w, float* x, int ldx, int n, float* y, float fuseSlope, int maxThreads, bool checkFinite = false, float* prefetch = null, int prefetchFloats = 0)
    {
        if (w.Height != Mr)
        {
            throw new InvalidOperationException($"Expected weights packed in panels of {Mr} rows but got {w.Height}.");
        }

        if (TestHooks.Enabled)
        {
            _multipliesOnThisThread++;
        }

        int prefetchLines = (int)(((long)prefetchFloats * sizeof(float) + 63) / 64);
        int blocks = RowBlocks(w);
        int threads = Math.Min(maxThreads, GemmWorkerPool.Shared.WorkerCount + 1);
        if (threads > 1 && blocks > 1 && (long)w.Rows * w.Columns * n >= PackedGemm.ParallelThreshold && GemmWorkerPool.Shared.TryAcquire())
        {
            try
            {
                // The flag lives in the job (the heap), not in this frame: a part still running when Run throws
                // may set it.
                SharedJob.Prepare(w, x, ldx, n, y, fuseSlope, checkFinite, (byte*)prefetch, prefetchLines);
                GemmWorkerPool.Shared.Run(SharedJob, blocks, threads);
                return SharedJob.AllFinite;
            }
            finally
            {
                SharedJob.Clear();
                GemmWorkerPool.Shared.Release();
            }
        }

        int nonFinite = 0;
        var args = new Arguments(w, x, ldx, n, y, fuseSlope, checkFinite ? &nonFinite : null, (byte*)prefetch, prefetchLines);
        for (int block = 0; block < blocks; block++)
        {
            RunBlock(args, block, blocks);
        }

        return nonFinite == 0;
    }

    // Row blocks of 4 panels, then one per panel left over.
    private static int RowBlocks(PackedWeights w) => (w.PanelCount / BlockPanels) + (w.PanelCount % BlockPanels);

    private static void RunBlock(in Arguments args, int block, int blocks)
    {
        PackedWeights w = args.W;
        int k = w.Columns;
        int whole = w.PanelCount / BlockPanels;
        int firstPanel = block < whole ? block * BlockPanels : (whole * BlockPanels) + (block - whole);
        int panels = block < whole ? BlockPanels : 1;
        long stride = (long)Mr * k;
        float* a = w.Panels + (firstPanel * stride);
        float* bias = w.Bias + (firstPanel * Mr);
        int lines = args.PrefetchLines;
        int steps = ((k + ColumnBlock - 1) / ColumnBlock) * blocks;
        int step = block * ((k + ColumnBlock - 1) / ColumnBlock);
        float** xs = stackalloc float*[8];   // a group of eight examples (Half8)
        float** ys = stackalloc float*[8];

        // Four panels: two examples at a time (16 accumulators). One panel: four (8 accumulators, enough
        // independent sums to cover the latency of the multiply-adds; two examples left it at half speed), or,
        // when the panel holds 16 rows or fewer, eight, a vector each (a small hidden layer: InferencePlan runs an
        // output layer that small on the dense product, which was faster).
        bool halfPanel = panels == 1 && w.Rows - (firstPanel * Mr) <= Mr / 2;
        int group = panels == BlockPanels ? 2 : halfPanel ? 8 : 4;

        // The first row block's masks read every input of every example: they test them for NaN and ±∞ too.
        bool check = block == 0 && args.NonFinite != null;
        var nonFinite = Vector512<uint>.Zero;
        PrefetchInputs(args, 0);
        for (int k0 = 0; k0 < k; k0 += ColumnBlock, step++)
        {
            PrefetchInputs(args, k0 + ColumnBlock);
            if (Sse.IsSupported && args.Prefetch != null)
            {
                int from = (int)((long)lines * step / steps);
                int until = (int)((long)lines * (step + 1) / steps);
                for (int line = from; line < until; line++)
                {
                    Sse.Prefetch1(args.Prefetch + ((nint)line * 64));
                }
            }

            int k1 = Math.Min(k, k0 + ColumnBlock);
            bool first = k0 == 0;
            bool last = k1 == k;
            for (int e = 0; e < args.N; e += group)
            {
                float* x0 = Example(args, e, firstPanel, out float* y0);
                float* x1 = Or(Example(args, e + 1, firstPanel, out float* y1), x0);
                ulong mask = NonzeroMask(x0, x1, k0, k1, check, ref nonFinite);
                if (panels == BlockPanels)
                {
                    Pair4(a, stride, x0, x1, mask, k0, y0, y1, first, last, bias, args.FuseSlope);
                    continue;
                }

                float* x2 = Or(Example(args, e + 2, firstPanel, out float* y2), x0);
                float* x3 = Or(Example(args, e + 3, firstPanel, out float* y3), x0);
                mask |= NonzeroMask(x2, x3, k0, k1, check, ref nonFinite);
                if (!halfPanel)
                {
                    Quad1(a, x0, x1, x2, x3, mask, k0, y0, y1, y2, y3, first, last, bias, args.FuseSlope);
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
                    xs[i] = Or(Example(args, e + i, firstPanel, out ys[i]), x0);
                }

                mask |= NonzeroMask(xs[4], xs[5], k0, k1, check, ref nonFinite) | NonzeroMask(xs[6], xs[7], k0, k1, check, ref nonFinite);
                Half8(a, mask, k0, xs, ys, first, last, bias, args.FuseSlope);
            }
        }

        if (check && nonFinite != Vector512<uint>.Zero)
        {
            Volatile.Write(ref *args.NonFinite, 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Or(float* x, float* fallback) => x != null ? x : fallback;

    // The inputs of example e, and in y its outputs from the first panel's rows; nulls past the last example.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Example(in Arguments args, int e, int firstPanel, out float* y)
    {
        if (e >= args.N)
        {
            y = null;
            return null;
        }

        y = args.Y + ((nint)e * args.W.PaddedRows) + (firstPanel * Mr);
        return args.X + ((nint)e * args.Ldx);
    }

    // Fetches every example's inputs k0 .. k0+63 into L1 ahead of their block: the pairs read them a few lines at
    // a time, example after example, which the hardware prefetchers do not follow, and they were written by the
    // other core (the previous layer's other half) or come from memory (a new batch). W5 on images: 0.5 µs of
    // 68 faster, in each of three alternating runs.
    private static void PrefetchInputs(in Arguments args, int k0)
    {
        int k = args.W.Columns;
        if (!Sse.IsSupported || k0 >= k)
        {
            return;
        }

        int k1 = Math.Min(k, k0 + ColumnBlock);
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
    private static ulong NonzeroMask(float* x0, float* x1, int k0, int k1, bool check, ref Vector512<uint> nonFinite)
    {
        ulong mask = 0;
        int j = k0;
        for (; j + 16 <= k1; j += 16)
        {
            var v0 = Vector512.Load(x0 + j);
            var v1 = Vector512.Load(x1 + j);
            if (check)
            {
                nonFinite |= (v0 - v0).AsUInt32() | (v1 - v1).AsUInt32();
            }

            var zero = Vector512.Equals(v0, Vector512<float>.Zero) & Vector512.Equals(v1, Vector512<float>.Zero);
            mask |= (ulong)(~(uint)zero.ExtractMostSignificantBits() & 0xFFFFu) << (j - k0);
        }

        for (; j < k1; j++)
        {
            mask |= x0[j] != 0f || x1[j] != 0f ? 1UL << (j - k0) : 0UL;
            if (check && !(float.IsFinite(x0[j]) && float.IsFinite(x1[j])))
            {
                nonFinite = Vector512<uint>.One;
            }
        }

        return mask;
    }

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

    private readonly struct Arguments(PackedWeights w, float* x, int ldx, int n, float* y, float fuseSlope, int* nonFinite, byte* prefetch, int prefetchLines)
    {
        public PackedWeights W { get; } = w;

        public float* X { get; } = x;

        public int Ldx { get; } = ldx;

        public int N { get; } = n;

        public float* Y { get; } = y;

        public float FuseSlope { get; } = fuseSlope;

        // Set to 1 when the first row block finds NaN or ±∞ among the inputs; null: not checked.
        public int* NonFinite { get; } = nonFinite;

        public byte* Prefetch { get; } = prefetch;

        public int PrefetchLines { get; } = prefetchLines;
    }

    // A row block per part (the caller from the first block up, a worker from the last down). Guarded by the pool's lock.
    private sealed class SparseJob : IParallelWork
    {
        // Set to 1 by the part that finds NaN or ±∞ (row block 0, when checked): on the pinned heap, so that the
        // parts can write it through a pointer.
        private readonly int[] _flag = GC.AllocateArray<int>(1, pinned: true);

        private int* NonFinite => (int*)Unsafe.AsPointer(ref _flag[0]);

        private Arguments _args;

        // Whether the inputs were all finite (or not checked), once Run has returned.
        public bool AllFinite => Volatile.Read(ref _flag[0]) == 0;

        public void Prepare(PackedWeights w, float* x, int ldx, int n, float* y, float fuseSlope, bool checkFinite, byte* prefetch, int prefetchLines)
        {
            _flag[0] = 0;
            _args = new Arguments(w, x, ldx, n, y, fuseSlope, checkFinite ? NonFinite : null, prefetch, prefetchLines);
        }

        public void Clear() => _args = default;

        public void Execute(int part) => RunBlock(_args, part, RowBlocks(_args.W));
    }
}
