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
        float[] a, int lda, float[] b, int ldb, float[] c0, int ldc, int valueSeed, bool bfloat16)
    {
        (TransposeA, TransposeB, M, N, K, Alpha, Beta) = (transposeA, transposeB, m, n, k, alpha, beta);
        (_a, Lda, _b, Ldb, _c0, Ldc) = (a, lda, b, ldb, c0, ldc);
        _expected = new double[m * n];
        _magnitude = new double[m * n];
        Product product = Product.Of(m, n, k, valueSeed, bfloat16);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                double cv = beta == 0 ? 0 : c0[(j * ldc) + i];
                _expected[(j * m) + i] = (alpha * product.Sum[(j * m) + i]) + (beta * cv);
                _magnitude[(j * m) + i] = (Math.Abs(alpha) * product.Size[(j * m) + i]) + Math.Abs(beta * cv) + 1e-30;
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

    // op(A) and op(B) hold the same values for every transpose and padding with the same seed (drawn by
    // logical index), so that one double-precision product serves them all. With bfloat16, the reference multiplies
    // op(A) and op(B) rounded to bfloat16 (what ComputeBackend.ManagedBFloat16() multiplies); the operands stay float32.
    public static GemmCase Random(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta, int pad, int seed, bool bfloat16 = false)
    {
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        int lda = aRows + pad, ldb = bRows + pad, ldc = m + pad;
        int valueSeed = (m * 7919) + (n * 104729) + k;
        Product product = Product.Of(m, n, k, valueSeed, bfloat16: false);

        // Exactly the length the shape needs: the last column carries no padding.
        float[] a = new float[Length(aRows, aCols, lda)];
        float[] b = new float[Length(bRows, bCols, ldb)];
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < m; i++)
            {
                a[transposeA ? (i * lda) + p : (p * lda) + i] = product.A[(i * k) + p];
            }

            for (int j = 0; j < n; j++)
            {
                b[transposeB ? (p * ldb) + j : (j * ldb) + p] = product.B[(j * k) + p];
            }
        }

        var random = new Random(seed);
        float[] c = new float[Length(m, n, ldc)];
        Array.Fill(c, Sentinel);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                c[(j * ldc) + i] = beta == 0 ? float.NaN : (float)((random.NextDouble() * 2) - 1);
            }
        }

        return new GemmCase(transposeA, transposeB, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc, valueSeed, bfloat16);
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

    private float[] RunRaw(ComputeBackend backend)
    {
        float[] c = (float[])_c0.Clone();
        backend.Gemm(TransposeA, TransposeB, M, N, K, Alpha, _a, Lda, _b, Ldb, Beta, c, Ldc);
        return c;
    }

    private string Describe(ComputeBackend backend) =>
        $"{backend.Name} {(TransposeA ? 'T' : 'N')}{(TransposeB ? 'T' : 'N')} m={M} n={N} k={K} " +
        $"alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    // Random op(A) (by rows) and op(B) (by columns), both contiguous in k, and Σ op(A)·op(B) and Σ |terms|
    // in double precision (column-major m × n); computed once per shape and seed.
    private sealed class Product
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int, int, bool), Product> Cache = new();

        private Product(int m, int n, int k, int seed, bool bfloat16)
        {
            var random = new Random(seed);
            A = new float[m * k];
            B = new float[n * k];
            for (int i = 0; i < A.Length; i++)
            {
                A[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (int i = 0; i < B.Length; i++)
            {
                B[i] = (float)((random.NextDouble() * 2) - 1);
            }

            Sum = new double[m * n];
            Size = new double[m * n];
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> column = B.AsSpan(j * k, k);
                for (int i = 0; i < m; i++)
                {
                    ReadOnlySpan<float> row = A.AsSpan(i * k, k);
                    double sum = 0, size = 0;
                    for (int p = 0; p < row.Length; p++)
                    {
                        double term = bfloat16
                            ? (double)RoundToBFloat16(row[p]) * RoundToBFloat16(column[p])
                            : (double)row[p] * column[p];
                        sum += term;
                        size += Math.Abs(term);
                    }

                    Sum[(j * m) + i] = sum;
                    Size[(j * m) + i] = size;
                }
            }
        }

        public float[] A { get; }

        public float[] B { get; }

        public double[] Sum { get; }

        public double[] Size { get; }

        public static Product Of(int m, int n, int k, int seed, bool bfloat16) =>
            Cache.GetOrAdd((m, n, k, seed, bfloat16), key => new Product(key.Item1, key.Item2, key.Item3, key.Item4, key.Item5));

        private static float RoundToBFloat16(float x) =>
            TransferLearning.Compute.Bf16.Bf16Packing.ToSingle(TransferLearning.Compute.Bf16.Bf16Packing.ToBFloat16(x));
    }
}
