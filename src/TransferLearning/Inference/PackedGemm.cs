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
internal static unsafe partial class PackedGemm
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
