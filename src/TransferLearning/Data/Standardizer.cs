using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace TransferLearning.Data;

/// <summary>
/// Per-feature standardisation fitted on training data and applied, unchanged, to any other set:
/// <c>x' = (x − μ) / σ</c>, with <c>μ</c> and <c>σ</c> the training set's mean and standard deviation of each feature.
/// </summary>
/// <remarks>
/// Fit on the training set only, then transform training, validation and test sets with the same
/// <see cref="Standardizer"/>: statistics taken from the test set would leak it into training. <c>σ</c> is the
/// population standard deviation (divisor <c>m</c>); a feature that is constant in the training set has
/// <c>σ = 0</c> and is only centred (divided by 1), so it becomes 0 rather than NaN.
/// </remarks>
public sealed class Standardizer
{
    private readonly float[] _means;
    private readonly float[] _scales;

    private Standardizer(float[] means, float[] standardDeviations)
    {
        _means = means;
        StandardDeviations = standardDeviations;
        _scales = standardDeviations.Select(s => s > 0 ? 1f / s : 1f).ToArray();
    }

    /// <summary>Gets the mean <c>μ</c> of each feature in the training set.</summary>
    public IReadOnlyList<float> Means => _means;

    /// <summary>Gets the standard deviation <c>σ</c> of each feature in the training set (0 for a constant feature).</summary>
    public IReadOnlyList<float> StandardDeviations { get; }

    /// <summary>Gets the number of features the standardizer was fitted on.</summary>
    public int FeatureCount => _means.Length;

    /// <summary>Fits the per-feature mean and standard deviation on a training set (in double precision).</summary>
    /// <param name="train">The training set.</param>
    /// <returns>The fitted standardizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="train"/> is <see langword="null"/>.</exception>
    public static Standardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        int n = train.FeatureCount;
        int m = train.Count;
        var x = train.FeatureData;
        var sum = new double[n];
        for (int j = 0; j < m; j++)
        {
            var column = x.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                sum[i] += column[i];
            }
        }

        var mean = sum.Select(s => s / m).ToArray();
        var squares = new double[n];
        for (int j = 0; j < m; j++)
        {
            var column = x.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                double d = column[i] - mean[i];
                squares[i] += d * d;
            }
        }

        return new Standardizer(
            mean.Select(v => (float)v).ToArray(),
            squares.Select(s => (float)Math.Sqrt(s / m)).ToArray());
    }

    /// <summary>
    /// Rebuilds a standardizer from statistics fitted earlier (for example <see cref="Means"/> and
    /// <see cref="StandardDeviations"/> stored by an application): it transforms bit for bit as the one they came from.
    /// </summary>
    /// <param name="means">The mean <c>μ</c> of each feature; finite.</param>
    /// <param name="standardDeviations">The standard deviation <c>σ</c> of each feature (0 for a constant feature); finite, not negative, as many as <paramref name="means"/>.</param>
    /// <returns>The standardizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="means"/> or <paramref name="standardDeviations"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, or a value is not finite, or a deviation is negative.</exception>
    public static Standardizer FromStatistics(IReadOnlyList<float> means, IReadOnlyList<float> standardDeviations)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(standardDeviations);
        if (means.Count == 0)
        {
            throw new ArgumentException("Expected at least one feature's mean but got none.", nameof(means));
        }

        if (standardDeviations.Count != means.Count)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {means.Count} standard deviations, one per mean, but got {standardDeviations.Count}."), nameof(standardDeviations));
        }

        for (int i = 0; i < means.Count; i++)
        {
            if (!float.IsFinite(means[i]))
            {
                throw new ArgumentException(Invariant.F($"Expected finite means but feature {i}'s is {means[i]}."), nameof(means));
            }

            if (!float.IsFinite(standardDeviations[i]) || standardDeviations[i] < 0)
            {
                throw new ArgumentException(
                    Invariant.F($"Expected finite, non-negative standard deviations but feature {i}'s is {standardDeviations[i]}."), nameof(standardDeviations));
            }
        }

        return new Standardizer([.. means], [.. standardDeviations]);
    }

    /// <summary>Standardises raw features in place: <c>x' = (x − μ) ⊙ (1/σ)</c>, examples one after another.</summary>
    internal void TransformInPlace(Span<float> values) => Apply(values);

    /// <summary>Returns a copy of <paramref name="data"/> with standardised features (same labels or targets, same class names).</summary>
    /// <param name="data">A set with <see cref="FeatureCount"/> features.</param>
    /// <returns>The standardised set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The set has a different number of features.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        RequireFeatures(data.FeatureCount, nameof(data));
        var result = data.FeatureData.ToArray();
        Apply(result);
        return data.WithFeatures(result, FeatureCount);
    }

    /// <summary>Returns standardised copies of features given as columns (<c>n_x × m</c>), e.g. for <c>Network.Predict</c>.</summary>
    /// <param name="features">The features, one example per column.</param>
    /// <returns>The standardised matrix.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="features"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The matrix has a different number of rows than <see cref="FeatureCount"/>.</exception>
    public Matrix<float> Transform(Matrix<float> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        RequireFeatures(features.RowCount, nameof(features));
        var values = features.ToColumnMajorArray();
        Apply(values);
        return Matrix<float>.Build.Dense(features.RowCount, features.ColumnCount, values);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Standardizer({FeatureCount} features)");

    private void Apply(Span<float> values)
    {
        int n = FeatureCount;
        for (int start = 0; start < values.Length; start += n)
        {
            var column = values.Slice(start, n);
            System.Numerics.Tensors.TensorPrimitives.Subtract(column, _means, column);
            System.Numerics.Tensors.TensorPrimitives.Multiply(column, _scales, column);
        }
    }

    private void RequireFeatures(int actual, string paramName)
    {
        if (actual != FeatureCount)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {FeatureCount} features, as in the training set the standardizer was fitted on, but got {actual}."), paramName);
        }
    }
}
