using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;

namespace TransferLearning.Transfer;

/// <summary>
/// A linear probe in closed form: ridge regression from standardised features to the targets (one-hot
/// classes, or the regression targets), fitted on a training part and scored on a held-out part.
/// </summary>
/// <remarks>
/// <para>
/// With the training features <c>X</c> (<c>d × m</c>, z-scored with the training part's mean and deviation)
/// and the centred targets <c>Y</c> (<c>m × q</c>), the weights are <c>W = (X·Xᵀ + λI)⁻¹·X·Y</c>; when
/// <c>d &gt; m</c> the same solution is computed as <c>W = X·(Xᵀ·X + λI)⁻¹·Y</c>, so the system solved is
/// never larger than <c>min(d, m)</c>. The intercept is the training mean of <c>Y</c>. The penalty is
/// <c>λ = ρ·m</c>: <c>ρ</c> is added to every eigenvalue of the features' covariance (1 on average after
/// standardising).
/// </para>
/// <para>
/// Several target sets share one fit (more columns of <c>Y</c>): the advisor scores the real labels and
/// their permutations with one factorisation.
/// </para>
/// </remarks>
internal static class LinearProbe
{
    /// <summary>
    /// Fits on the columns <paramref name="train"/> of <paramref name="features"/> and predicts the columns
    /// <paramref name="test"/>: returns the <c>q × test.Length</c> predictions (column-major).
    /// </summary>
    /// <param name="features">Every example's features, <c>d × count</c>, column-major.</param>
    /// <param name="d">The number of features.</param>
    /// <param name="train">The training columns.</param>
    /// <param name="test">The held-out columns.</param>
    /// <param name="targets">The targets of every example, <c>count × q</c>, column-major (one column per output).</param>
    /// <param name="q">The number of target columns.</param>
    /// <param name="ridge">ρ in <c>λ = ρ·m</c>.</param>
    /// <param name="backend">The matrix-product backend.</param>
    public static float[] FitPredict(
        ReadOnlySpan<float> features, int d, int[] train, int[] test, float[] targets, int q, double ridge, ComputeBackend backend)
    {
        int m = train.Length;
        int mt = test.Length;
        int count = targets.Length / q;
        var xTrain = Gather(features, d, train);
        var xTest = Gather(features, d, test);
        Statistics.Standardize(xTrain, xTest, d);

        // Centred targets of the training part, m × q, and their means (the intercept).
        var y = new float[m * q];
        var mean = new double[q];
        for (int c = 0; c < q; c++)
        {
            double sum = 0;
            for (int j = 0; j < m; j++)
            {
                sum += targets[(c * count) + train[j]];
            }

            mean[c] = sum / m;
            for (int j = 0; j < m; j++)
            {
                y[(c * m) + j] = (float)(targets[(c * count) + train[j]] - mean[c]);
            }
        }

        double lambda = ridge * m;
        var predictions = new float[q * mt];
        if (d <= m)
        {
            // Primal: G = X·Xᵀ (d × d), B = X·Y (d × q), W = (G + λI)⁻¹·B, P = Wᵀ·X_test.
            var g = new float[d * d];
            backend.Gemm(false, true, d, d, m, 1f, xTrain, d, xTrain, d, 0f, g, d);
            var b = new float[d * q];
            backend.Gemm(false, false, d, q, m, 1f, xTrain, d, y, m, 0f, b, d);
            var w = Solve(g, d, b, q, lambda);
            backend.Gemm(true, false, q, mt, d, 1f, w, d, xTest, d, 0f, predictions, q);
        }
        else
        {
            // Dual: K = Xᵀ·X (m × m), α = (K + λI)⁻¹·Y, P = αᵀ·(Xᵀ·X_test).
            var k = new float[m * m];
            backend.Gemm(true, false, m, m, d, 1f, xTrain, d, xTrain, d, 0f, k, m);
            var alpha = Solve(k, m, y, q, lambda);
            var cross = new float[m * mt];
            backend.Gemm(true, false, m, mt, d, 1f, xTrain, d, xTest, d, 0f, cross, m);
            backend.Gemm(true, false, q, mt, m, 1f, alpha, m, cross, m, 0f, predictions, q);
        }

        for (int j = 0; j < mt; j++)
        {
            for (int c = 0; c < q; c++)
            {
                predictions[(j * q) + c] += (float)mean[c];
            }
        }

        return predictions;
    }

    /// <summary>Solves <c>(A + λI)·X = B</c> for a symmetric positive semi-definite <c>n × n</c> matrix <c>A</c> (Cholesky, double precision).</summary>
    private static float[] Solve(float[] a, int n, float[] b, int q, double lambda)
    {
        var matrix = Matrix<double>.Build.Dense(n, n);
        var data = matrix.AsColumnMajorArray();
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = a[i];
        }

        // A small floor keeps the factorisation defined when λ is 0 and A is singular.
        double floor = Math.Max(lambda, 1e-6 * (1 + matrix.Diagonal().Maximum()));
        for (int i = 0; i < n; i++)
        {
            data[(i * n) + i] += floor;
        }

        var rhs = Matrix<double>.Build.Dense(n, q, (i, j) => b[(j * n) + i]);
        var solution = matrix.Cholesky().Solve(rhs).AsColumnMajorArray();
        var result = new float[n * q];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (float)solution[i];
        }

        return result;
    }

    private static float[] Gather(ReadOnlySpan<float> features, int d, int[] columns)
    {
        var x = new float[d * columns.Length];
        for (int j = 0; j < columns.Length; j++)
        {
            features.Slice(columns[j] * d, d).CopyTo(x.AsSpan(j * d, d));
        }

        return x;
    }
}
