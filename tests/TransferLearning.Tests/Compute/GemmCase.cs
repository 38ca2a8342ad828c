using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

// One random GEMM problem with its double-precision reference. Operands sit in arrays with `pad` extra
// rows (non-tight leading dimensions); C's padding holds sentinels that no backend may change, and with
// beta = 0, C starts as NaN, which a backend that reads C would propagate.
internal sealed class GemmCase
{
    private const float Sentinel = -12345.5f;

    private readonly float[] _a;
    private readonly float[] _b;
    private readonly float[] _c0;
    private readonly double[] _expected;
    private readonly double[] _magnitude;

    private GemmCase(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta,
        float[] a, int lda, float[] b, int ldb, float[] c0, int ldc)
    {
        (TransposeA, TransposeB, M, N, K, Alpha, Beta) = (transposeA, transposeB, m, n, k, alpha, beta);
        (_a, Lda, _b, Ldb, _c0, Ldc) = (a, lda, b, ldb, c0, ldc);
        _expected = new double[m * n];
        _magnitude = new double[m * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                double sum = 0, size = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[(i * lda) + p] : a[(p * lda) + i];
                    double bv = transposeB ? b[(p * ldb) + j] : b[(j * ldb) + p];
                    sum += av * bv;
                    size += Math.Abs(av * bv);
                }

                double cv = beta == 0 ? 0 : c0[(j * ldc) + i];
                _expected[(j * m) + i] = (alpha * sum) + (beta * cv);
                _magnitude[(j * m) + i] = (Math.Abs(alpha) * size) + Math.Abs(beta * cv) + 1e-30;
            }
        }
    }

    public bool TransposeA { get; }

    public bool TransposeB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float Alpha { get; }

    public float Beta { get; }

    public int Lda { get; }

    public int Ldb { get; }

    public int Ldc { get; }

    public static GemmCase Random(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        var random = new Random(seed);
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        int lda = aRows + pad, ldb = bRows + pad, ldc = m + pad;

        // Exactly the length the shape needs: the last column carries no padding.
        float[] a = Fill(new float[Length(aRows, aCols, lda)], random);
        float[] b = Fill(new float[Length(bRows, bCols, ldb)], random);
        float[] c = new float[Length(m, n, ldc)];
        Array.Fill(c, Sentinel);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                c[(j * ldc) + i] = beta == 0 ? float.NaN : (float)((random.NextDouble() * 2) - 1);
            }
        }

        return new GemmCase(transposeA, transposeB, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc);
    }

    // The sum of |terms| behind element i of C (column-major m × n): the scale of its rounding error.
    public double Magnitude(int i) => _magnitude[i];

    // Runs the product on a fresh copy of C and returns C (m × n, tight).
    public float[] Run(ComputeBackend backend)
    {
        float[] c = RunRaw(backend);
        float[] tight = new float[M * N];
        for (int j = 0; j < N; j++)
        {
            Array.Copy(c, j * Ldc, tight, j * M, M);
        }

        return tight;
    }

    public void AssertBackend(ComputeBackend backend)
    {
        string? error = Check(backend);
        error.Should().BeNull();
    }

    // Null when the backend's result is within float32 rounding of the reference and the padding is intact.
    public string? Check(ComputeBackend backend)
    {
        float[] c = RunRaw(backend);
        for (int idx = 0; idx < c.Length; idx++)
        {
            int j = idx / Ldc, i = idx % Ldc;
            if (i >= M)
            {
                if (c[idx] != Sentinel)
                {
                    return $"{Describe(backend)}: padding C[{i},{j}] was overwritten with {c[idx]}";
                }

                continue;
            }

            double expected = _expected[(j * M) + i];
            double tolerance = (1e-4 * _magnitude[(j * M) + i]) + 1e-6;
            if (!(Math.Abs(c[idx] - expected) <= tolerance))
            {
                return $"{Describe(backend)}: C[{i},{j}] = {c[idx]}, expected {expected} ± {tolerance}";
            }
        }

        return null;
    }

    private static int Length(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : ((cols - 1) * ld) + rows;

    private static float[] Fill(float[] values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private float[] RunRaw(ComputeBackend backend)
    {
        float[] c = (float[])_c0.Clone();
        backend.Gemm(TransposeA, TransposeB, M, N, K, Alpha, _a, Lda, _b, Ldb, Beta, c, Ldc);
        return c;
    }

    private string Describe(ComputeBackend backend) =>
        $"{backend.Name} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')} m={M} n={N} k={K} " +
        $"alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";
}
