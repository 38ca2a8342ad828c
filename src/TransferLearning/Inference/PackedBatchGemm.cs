using System.Numerics;
using System.Runtime.Intrinsics.X86;
using TransferLearning.Compute;

namespace TransferLearning.Inference;

// The inference product for a small batch (2 to 64 examples) on pre-packed weights, computed transposed:
// Yᵀ ← g(Xᵀ·Wᵀ + b), with the examples as the micro-kernel's rows (panels of Mr examples, in its packed-A
// layout) and Wᵀ as its packed B (W packed in Nr-row panels once per weight version). A batch of 32 fills an
// AVX-512 tile's 32 rows exactly, where W·X would pad 32 columns to 36; and the output of one layer, Yᵀ in Mr-row
// panels, is already the packed A of the next, so only the network's input is packed (a transpose of about
// k·n floats) and only its output unpacked. Bias and a ReLU-family activation are applied to each tile while it
// is in L1. Large products split the tiles between the calling thread and the shared worker pool.
internal static unsafe class PackedBatchGemm
{
    private static readonly BatchJob SharedJob = new();

    // Panels of Mr examples that n examples take.
    public static int PanelsFor(GemmKernelKind kernel, int n)
    {
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        return (n + mr - 1) / mr;
    }

    // Xᵀ in panels of Mr examples: panel q at dst + q·stride, feature j of example q·Mr + r at + j·Mr + r (stride
    // = Mr·k); the rows past n are zero. This is the GEMM's strided packing (8 × 8 blocks transposed in AVX
    // registers, every store a whole vector); written example by example, with stores Mr floats apart, it took
    // 13 µs for a batch of 32, a tenth of W5.
    public static void PackExamples(GemmKernelKind kernel, float* x, int ldx, int n, int k, float* dst) =>
        GemmPacking.PackStrided(x, ldx, 0, n, 0, k, ManagedComputeBackend.TileOf(kernel).Mr, dst);

    // The first `rows` features of each of the n examples in panels (panel stride `stride`) into column-major
    // out (leading dimension ldo).
    public static void UnpackExamples(GemmKernelKind kernel, float* panels, int stride, int n, int rows, float* output, int ldo)
    {
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        for (int example = 0; example < n; example++)
        {
            float* panel = panels + ((nint)(example / mr) * stride) + (example % mr);
            float* column = output + ((nint)example * ldo);
            for (int o = 0; o < rows; o++)
            {
                column[o] = panel[o * mr];
            }
        }
    }

    // Yᵀ ← act(Xᵀ·Wᵀ + b) for n examples: x in panels of stride Mr·w.Columns (or wider), y in panels of stride
    // Mr·w.PaddedRows. act is LeakyReLU(slope) when fuseSlope is a number (0: ReLU), the identity when NaN. When
    // `prefetch` is given, its floats are fetched into L2 a little at a time, one share per tile (a product of
    // tens of microseconds hides the memory's latency; on a shared machine this made W3 4–6 % faster).
    public static void Multiply(
        PackedWeights w, float* x, int xStride, int n, float* y, float fuseSlope, int maxThreads, float* prefetch = null, int prefetchFloats = 0)
    {
        var args = new Arguments(w, x, xStride, n, y, fuseSlope, (byte*)prefetch, (int)(((long)prefetchFloats * sizeof(float) + 63) / 64));
        int threads = Math.Min(maxThreads, GemmWorkerPool.Shared.WorkerCount + 1);
        int items = w.PanelCount * PanelsFor(w.Kernel, n);
        int parts = Math.Min(4 * threads, items);
        if (threads > 1 && parts > 1 && (long)w.Rows * w.Columns * n >= PackedGemm.ParallelThreshold && GemmWorkerPool.Shared.TryAcquire())
        {
            try
            {
                SharedJob.Prepare(args, parts, items);
                GemmWorkerPool.Shared.Run(SharedJob, parts, threads);
            }
            finally
            {
                SharedJob.Clear();
                GemmWorkerPool.Shared.Release();
            }

            return;
        }

        Run(args, 0, items);
    }

    private static void Run(in Arguments args, int first, int last)
    {
        switch (args.W.Kernel)
        {
            case GemmKernelKind.Avx512:
                Run<Avx512MicroKernel>(args, first, last);
                break;
            case GemmKernelKind.Avx2:
                Run<Avx2MicroKernel>(args, first, last);
                break;
            default:
                Run<ScalarMicroKernel>(args, first, last);
                break;
        }
    }

    // Items first .. last-1, item i = (example panel i % panels, weight tile i / panels): each tile of Wᵀ is used
    // for every panel of examples in turn while it is in cache.
    private static void Run<TKernel>(in Arguments args, int first, int last)
        where TKernel : struct, IGemmMicroKernel
    {
        PackedWeights w = args.W;
        int k = w.Columns;
        int mr = TKernel.Mr;
        int nr = TKernel.Nr;
        int panels = PanelsFor(w.Kernel, args.N);
        int yStride = mr * w.PaddedRows;
        int prefetched = 0;
        for (int i = first; i < last; i++)
        {
            if (Sse.IsSupported && args.Prefetch != null)
            {
                int until = (int)((long)args.PrefetchLines * (i - first + 1) / (last - first));
                for (; prefetched < until; prefetched++)
                {
                    Sse.Prefetch1(args.Prefetch + ((nint)prefetched * 64));
                }
            }

            int q = i % panels;
            int t = i / panels;
            float* a = args.X + ((nint)q * args.XStride);
            float* b = w.Panels + ((nint)t * nr * k);
            float* c = args.Y + ((nint)q * yStride) + ((nint)t * nr * mr);
            int examples = Math.Min(mr, args.N - (q * mr));
            bool half = examples <= mr / 2;
            if (half)
            {
                TKernel.RunHalf(k, a, b, c, mr, 1f, 0f);
            }
            else
            {
                TKernel.Run(k, a, b, c, mr, 1f, 0f);
            }

            Epilogue(c, w.Bias + (t * nr), half ? mr / 2 : mr, nr, mr, args.FuseSlope);
        }
    }

    // c[r, o] ← act(c[r, o] + b[o]) over a rows × columns tile of Yᵀ (leading dimension ldc) while it is in L1.
    private static void Epilogue(float* c, float* bias, int rows, int columns, int ldc, float fuseSlope)
    {
        bool fuse = !float.IsNaN(fuseSlope);
        int width = Vector<float>.Count;
        var slope = new Vector<float>(fuse ? fuseSlope : 1f);
        for (int o = 0; o < columns; o++)
        {
            float* column = c + ((nint)o * ldc);
            float b = bias[o];
            var vb = new Vector<float>(b);
            int r = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; r + width <= rows; r += width)
                {
                    var z = Vector.Load(column + r) + vb;
                    if (fuse)
                    {
                        z = Vector.ConditionalSelect(Vector.GreaterThan(z, Vector<float>.Zero), z, z * slope);
                    }

                    Vector.Store(z, column + r);
                }
            }

            for (; r < rows; r++)
            {
                float z = column[r] + b;
                column[r] = fuse && !(z > 0) ? z * fuseSlope : z;
            }
        }
    }

    private readonly struct Arguments(PackedWeights w, float* x, int xStride, int n, float* y, float fuseSlope, byte* prefetch = null, int prefetchLines = 0)
    {
        public byte* Prefetch { get; } = prefetch;

        public int PrefetchLines { get; } = prefetchLines;

        public PackedWeights W { get; } = w;

        public float* X { get; } = x;

        public int XStride { get; } = xStride;

        public int N { get; } = n;

        public float* Y { get; } = y;

        public float FuseSlope { get; } = fuseSlope;
    }

    // The (panel, tile) items split into contiguous ranges, one per part. Guarded by the pool's lock.
    private sealed class BatchJob : IParallelWork
    {
        private Arguments _args;
        private int _parts;
        private int _items;

        public void Prepare(in Arguments args, int parts, int items)
        {
            _args = args;
            _parts = parts;
            _items = items;
        }

        public void Clear() => _args = default;

        public void Execute(int part) => Run(_args, _items * part / _parts, _items * (part + 1) / _parts);
    }
}
