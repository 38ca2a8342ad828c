using TransferLearning.Compute;

namespace TransferLearning.Benchmarks.Gemm;

// Workload G: float32 C = op(A)·op(B) with op(A) M × K and op(B) K × N (column-major, tight leading
// dimensions), on one of three backends. G proper is the no-transpose case.
internal sealed class GemmSetup
{
    public const string Managed = "Managed";
    public const string NativeBlas = "NativeBlas";
    public const string OpenBlasRaw = "OpenBLAS (raw)";

    private readonly ComputeBackend? _backend;
    private readonly float[] _a;
    private readonly float[] _b;
    private readonly float[] _c;

    public GemmSetup(int m, int k, int n, string backend, bool transposeA = false, bool transposeB = false)
    {
        (M, K, N, TransposeA, TransposeB) = (m, k, n, transposeA, transposeB);
        Lda = transposeA ? k : m;
        Ldb = transposeB ? n : k;
        _backend = backend switch
        {
            Managed => ComputeBackend.Managed,
            NativeBlas => ComputeBackend.NativeBlas(),
            OpenBlasRaw => null,
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "Unknown backend."),
        };
        BackendName = _backend?.Name ?? $"OpenBLAS raw P/Invoke ({SystemOpenBlas.Library})";
        var random = new Random(42);
        _a = Fill(m * k, random);
        _b = Fill(k * n, random);
        _c = new float[m * n];
    }

    // The shapes of the benchmark plan, as (M, K, N).
    public static IReadOnlyList<(int M, int K, int N)> Shapes { get; } = [(128, 784, 512), (512, 784, 128), (1024, 1024, 1024)];

    public static IReadOnlyList<string> Backends { get; } = [Managed, NativeBlas, OpenBlasRaw];

    public int M { get; }

    public int K { get; }

    public int N { get; }

    public bool TransposeA { get; }

    public bool TransposeB { get; }

    public int Lda { get; }

    public int Ldb { get; }

    public string BackendName { get; }

    public double Flops => 2.0 * M * N * K;

    public static bool IsAvailable(string backend) => backend switch
    {
        NativeBlas => ComputeBackend.TryLoadNativeBlas(null, out _),
        OpenBlasRaw => SystemOpenBlas.IsAvailable,
        _ => true,
    };

    public static string DisplayName(string backend) => backend switch
    {
        Managed => ComputeBackend.Managed.Name,
        NativeBlas => ComputeBackend.NativeBlas().Name,
        _ => $"OpenBLAS raw P/Invoke ({SystemOpenBlas.Library})",
    };

    // Runs once and checks a sample of C against double-precision dot products, so that no figure comes
    // from a broken kernel.
    public void Verify()
    {
        Array.Fill(_c, float.NaN);
        Run();
        var random = new Random(7);
        for (int s = 0; s < 64; s++)
        {
            int i = random.Next(M), j = random.Next(N);
            double sum = 0, size = 0;
            for (int p = 0; p < K; p++)
            {
                double av = TransposeA ? _a[(i * Lda) + p] : _a[(p * Lda) + i];
                double bv = TransposeB ? _b[(p * Ldb) + j] : _b[(j * Ldb) + p];
                double term = av * bv;
                sum += term;
                size += Math.Abs(term);
            }

            if (!(Math.Abs(_c[(j * M) + i] - sum) <= (1e-4 * size) + 1e-6))
            {
                throw new InvalidOperationException(
                    $"{BackendName} {M}x{K}x{N} ({(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')}): C[{i},{j}] = {_c[(j * M) + i]}, expected {sum}.");
            }
        }
    }

    public void Run()
    {
        if (_backend is null)
        {
            SystemOpenBlas.Sgemm(TransposeA, TransposeB, M, N, K, 1f, _a, Lda, _b, Ldb, 0f, _c, M);
        }
        else
        {
            _backend.Gemm(TransposeA, TransposeB, M, N, K, 1f, _a, Lda, _b, Ldb, 0f, _c, M);
        }
    }

    private static float[] Fill(int length, Random random)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
