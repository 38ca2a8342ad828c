using TransferLearning.Compute.Bf16;

namespace TransferLearning.Compute;

// The pure .NET GEMM: packed, cache-blocked, register-blocked SIMD micro-kernels (AVX-512, AVX2 + FMA, or
// scalar), run on the calling thread plus the shared worker pool. Safe to call from many threads at once:
// a call that finds the pool busy runs on its own thread. Steady-state calls allocate nothing.
internal sealed unsafe class ManagedComputeBackend : ComputeBackend
{
    public static readonly ManagedComputeBackend Instance = new(BestKernel(), Environment.ProcessorCount);

    private static readonly Lazy<ManagedComputeBackend> LazyBFloat16 =
        new(() => new ManagedComputeBackend(GemmKernelKind.Avx512Bf16, Environment.ProcessorCount), LazyThreadSafetyMode.ExecutionAndPublication);

    // Below this many multiply-adds a product runs on the calling thread only.
    private const long ParallelThreshold = 1L << 17;

    private static readonly GemmParallelJob SharedJob = new();

    private readonly GemmKernelKind _kernel;
    private readonly int _maxThreads;

    internal ManagedComputeBackend(GemmKernelKind kernel, int maxThreads)
    {
        if (kernel == GemmKernelKind.Avx512Bf16 && Bf16MicroKernel.Unsupported is { } reason)
        {
            throw new PlatformNotSupportedException(BFloat16UnsupportedMessage(reason));
        }

        if (!IsSupported(kernel))
        {
            throw new PlatformNotSupportedException($"The {kernel} GEMM kernel is not supported on this machine.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxThreads);
        _kernel = kernel;
        _maxThreads = maxThreads;
        int threads = Math.Min(maxThreads, Environment.ProcessorCount);
        string isa = kernel switch
        {
            GemmKernelKind.Avx512Bf16 => "AVX-512 BF16",
            GemmKernelKind.Avx512 => "AVX-512",
            GemmKernelKind.Avx2 => "AVX2",
            _ => "scalar",
        };
        Name = $"Managed ({isa}, {threads} thread{(threads == 1 ? string.Empty : "s")})";
    }

    public override string Name { get; }

    // The bfloat16 backend (throws PlatformNotSupportedException where it cannot run).
    internal static ManagedComputeBackend BFloat16 => LazyBFloat16.Value;

    // The float32 kernel of this backend's predictions (and of its zero-skipping products): the bfloat16 backend
    // multiplies in bfloat16 only where it trains.
    internal GemmKernelKind Kernel => _kernel == GemmKernelKind.Avx512Bf16 ? GemmKernelKind.Avx512 : _kernel;

    // The backend itself, or the float32 managed backend for the bfloat16 one: for products that are not training's
    // (the advisor's ridge probes), which bfloat16 factors would make less precise than the caller asked for.
    internal static ComputeBackend Float32Of(ComputeBackend backend) =>
        backend is ManagedComputeBackend { IsBFloat16: true } ? Instance : backend;

    // Whether the training products round their factors to bfloat16.
    internal bool IsBFloat16 => _kernel == GemmKernelKind.Avx512Bf16;

    internal int MaxThreads => _maxThreads;

    internal static string BFloat16UnsupportedMessage(string reason) =>
        $"bfloat16 training products need an x64 CPU with AVX512_BF16 (AMD Zen 4 or later; Intel Cooper Lake, Sapphire Rapids or later) with AVX-512 enabled, on Linux or Windows; here {reason}. Check ComputeBackend.IsBFloat16Supported first, or train with ComputeBackend.Managed (float32).";

    internal static bool IsSupported(GemmKernelKind kernel) => kernel switch
    {
        GemmKernelKind.Avx512Bf16 => Bf16MicroKernel.IsSupported,
        GemmKernelKind.Avx512 => Avx512MicroKernel.IsSupported,
        GemmKernelKind.Avx2 => Avx2MicroKernel.IsSupported,
        _ => true,
    };

    internal static GemmKernelKind BestKernel() =>
        IsSupported(GemmKernelKind.Avx512) ? GemmKernelKind.Avx512
        : IsSupported(GemmKernelKind.Avx2) ? GemmKernelKind.Avx2
        : GemmKernelKind.Scalar;

    internal override void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                GemmScale.Apply(m, n, beta, pc, ldc);
                return;
            }

            var problem = new GemmProblem
            {
                TransposeA = transposeA,
                TransposeB = transposeB,
                M = m,
                N = n,
                K = k,
                Alpha = alpha,
                A = pa,
                Lda = lda,
                B = pb,
                Ldb = ldb,
                Beta = beta,
                C = pc,
                CRowStride = 1,
                CColStride = ldc,
            };
            if (PreferTransposed(_kernel, m, n))
            {
                problem = problem.Transposed();
            }

            if (_maxThreads > 1 && (long)m * n * k >= ParallelThreshold && TryRunParallel(problem))
            {
                return;
            }

            RunBlock(_kernel, problem, 0, problem.M, 0, problem.N, GemmPackBuffers.Current);
        }
    }

    internal static void RunBlock(GemmKernelKind kernel, in GemmProblem problem, int i0, int i1, int j0, int j1, GemmPackBuffers buffers)
    {
        switch (kernel)
        {
            case GemmKernelKind.Avx512Bf16:
                Bf16GemmDriver.Run(problem, i0, i1, j0, j1, buffers);
                break;
            case GemmKernelKind.Avx512:
                GemmDriver<Avx512MicroKernel>.Run(problem, i0, i1, j0, j1, buffers);
                break;
            case GemmKernelKind.Avx2:
                GemmDriver<Avx2MicroKernel>.Run(problem, i0, i1, j0, j1, buffers);
                break;
            default:
                GemmDriver<ScalarMicroKernel>.Run(problem, i0, i1, j0, j1, buffers);
                break;
        }
    }

    internal static (int A, int B) BufferFloats(GemmKernelKind kernel, in GemmProblem problem) => kernel switch
    {
        GemmKernelKind.Avx512Bf16 => Bf16GemmDriver.BufferFloats(problem),
        GemmKernelKind.Avx512 => GemmDriver<Avx512MicroKernel>.BufferFloats(problem),
        GemmKernelKind.Avx2 => GemmDriver<Avx2MicroKernel>.BufferFloats(problem),
        _ => GemmDriver<ScalarMicroKernel>.BufferFloats(problem),
    };

    internal static (int Mr, int Nr) TileOf(GemmKernelKind kernel) => kernel switch
    {
        GemmKernelKind.Avx512Bf16 => (Bf16MicroKernel.Mr, Bf16MicroKernel.Nr),
        GemmKernelKind.Avx512 => (Avx512MicroKernel.Mr, Avx512MicroKernel.Nr),
        GemmKernelKind.Avx2 => (Avx2MicroKernel.Mr, Avx2MicroKernel.Nr),
        _ => (ScalarMicroKernel.Mr, ScalarMicroKernel.Nr),
    };

    // Computing Cᵀ = op(B)ᵀ·op(A)ᵀ swaps the roles of m and n. Worth it when m is small and n is not: the
    // padded tiles then cover much less (10 × 128 with 32 × 12 tiles: 16 × 132 rows × columns as it is,
    // 128 × 12 swapped).
    internal static bool PreferTransposed(GemmKernelKind kernel, int m, int n)
    {
        (int mr, int nr) = TileOf(kernel);
        return PaddedArea(n, m, mr, nr) * 5 < PaddedArea(m, n, mr, nr) * 4;
    }

    private static long PaddedArea(int m, int n, int mr, int nr)
    {
        // Full tiles, a last panel of at most mr/2 rows runs the half-height kernel.
        int rest = m % mr;
        long rows = (m - rest) + (rest == 0 ? 0 : rest <= mr / 2 ? mr / 2 : mr);
        long cols = (n + nr - 1) / nr * (long)nr;
        return rows * cols;
    }

    private bool TryRunParallel(in GemmProblem problem)
    {
        GemmWorkerPool pool = GemmWorkerPool.Shared;
        int threads = Math.Min(_maxThreads, pool.WorkerCount + 1);
        if (threads < 2 || !pool.TryAcquire())
        {
            return false;
        }

        try
        {
            GemmParallelJob job = SharedJob;
            job.Prepare(_kernel, problem, threads);
            if (job.Parts < 2)
            {
                return false;
            }

            // The caller may claim any part, or none: size its buffers for the whole problem now, so that a
            // later call of the same problem never has to grow them.
            var (aFloats, bFloats) = BufferFloats(_kernel, problem);
            var buffers = GemmPackBuffers.Current;
            buffers.A(aFloats);
            buffers.B(bFloats);
            pool.Run(job, job.Parts, threads);
            return true;
        }
        finally
        {
            SharedJob.Clear();
            pool.Release();
        }
    }

    // Splits C into independent blocks of whole micro-tiles along m or n, whichever makes the redundant
    // packing cheaper (splitting m repacks all of op(B) in each part, splitting n all of op(A)); each part is
    // a full blocked GEMM on its own thread with that thread's buffers. Guarded by the pool's lock.
    private sealed class GemmParallelJob : IParallelWork
    {
        private GemmProblem _problem;
        private GemmKernelKind _kernel;
        private bool _splitRows;
        private int _tile;
        private int _tiles;

        public int Parts { get; private set; }

        public void Prepare(GemmKernelKind kernel, in GemmProblem problem, int threads)
        {
            _kernel = kernel;
            _problem = problem;
            (int mr, int nr) = TileOf(kernel);

            // Strided ("transposing") packing costs about twice a contiguous copy.
            long repackB = (long)problem.K * problem.N * (problem.TransposeB ? 1 : 2);
            long repackA = (long)problem.M * problem.K * (problem.TransposeA ? 2 : 1);
            int rowTiles = (problem.M + mr - 1) / mr;
            int colTiles = (problem.N + nr - 1) / nr;
            _splitRows = rowTiles >= threads && (repackB < repackA || colTiles < threads);
            _tile = _splitRows ? mr : nr;
            _tiles = _splitRows ? rowTiles : colTiles;
            Parts = Math.Min(threads, _tiles);
        }

        public void Clear() => _problem = default;

        public void Execute(int part)
        {
            int first = (int)((long)_tiles * part / Parts) * _tile;
            int last = (int)((long)_tiles * (part + 1) / Parts) * _tile;
            if (_splitRows)
            {
                RunBlock(_kernel, _problem, first, Math.Min(last, _problem.M), 0, _problem.N, GemmPackBuffers.Current);
            }
            else
            {
                RunBlock(_kernel, _problem, 0, _problem.M, first, Math.Min(last, _problem.N), GemmPackBuffers.Current);
            }
        }
    }
}
