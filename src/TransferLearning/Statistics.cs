using MathNet.Numerics.Distributions;

namespace TransferLearning;

/// <summary>
/// The statistics the library's measurements share, each written once: means, variances and standard
/// errors, Student's t quantiles, balanced accuracy, R² and z-scoring (standardisation).
/// </summary>
/// <remarks>
/// Sums run in index order in double precision, so a result does not depend on who asks for it
/// (the advisor's probes and <c>Auto</c>'s comparisons agree to the last bit with what they computed
/// before this helper existed).
/// </remarks>
internal static class Statistics
{
    /// <summary>The mean <c>Σx / n</c>, summed in order; NaN for no values.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    /// <summary>The sample variance <c>Σ(x − x̄)² / (n − 1)</c>; 0 for fewer than 2 values.</summary>
    public static double Variance(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        double mean = Mean(values);
        double sum = 0;
        foreach (double v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return sum / (values.Length - 1);
    }

    /// <summary>The standard error of the mean, <c>√(s² / n)</c> with the sample variance <c>s²</c>.</summary>
    public static double StandardError(ReadOnlySpan<double> values) => Math.Sqrt(Variance(values) / values.Length);

    /// <summary>
    /// The two-sided Student's t quantile <c>t</c> with <c>P(|T| ≤ t) = confidence</c> for
    /// <paramref name="degreesOfFreedom"/> degrees of freedom; +∞ for fewer than 1.
    /// </summary>
    public static double TQuantile(double confidence, int degreesOfFreedom) =>
        degreesOfFreedom >= 1 ? StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - ((1 - confidence) / 2)) : double.PositiveInfinity;

    /// <summary>
    /// Balanced accuracy: the mean over the classes present in <paramref name="actual"/> of the share of
    /// each class's examples predicted as that class (its recall); 0 when there is no example.
    /// </summary>
    public static double BalancedAccuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        var correct = new int[classes];
        var present = new int[classes];
        for (int j = 0; j < actual.Length; j++)
        {
            present[actual[j]]++;
            correct[actual[j]] += predicted[j] == actual[j] ? 1 : 0;
        }

        double sum = 0;
        int seen = 0;
        for (int c = 0; c < classes; c++)
        {
            if (present[c] > 0)
            {
                sum += (double)correct[c] / present[c];
                seen++;
            }
        }

        return seen > 0 ? sum / seen : 0;
    }

    /// <summary>
    /// Balanced accuracy as per-example values, for paired comparisons: a right class scores
    /// <c>n / (K·n_c)</c> and a wrong one 0 (<c>n</c> examples, <c>n_c</c> of the example's class,
    /// <c>K</c> classes present), so their mean is <see cref="BalancedAccuracy"/>.
    /// </summary>
    public static double[] BalancedAccuracyPerExample(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, int classes)
    {
        var perClass = new int[classes];
        foreach (int label in actual)
        {
            perClass[label]++;
        }

        int present = perClass.Count(n => n > 0);
        int examples = actual.Length;
        var weight = perClass.Select(n => n > 0 ? examples / ((double)present * n) : 0).ToArray();
        var score = new double[actual.Length];
        for (int j = 0; j < actual.Length; j++)
        {
            score[j] = predicted[j] == actual[j] ? weight[actual[j]] : 0;
        }

        return score;
    }

    /// <summary>
    /// R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², about the mean of <paramref name="actual"/>; 0 when
    /// <paramref name="actual"/> does not vary.
    /// </summary>
    public static double RSquared(ReadOnlySpan<float> actual, ReadOnlySpan<float> predicted)
    {
        double mean = 0;
        foreach (float y in actual)
        {
            mean += y;
        }

        mean /= actual.Length;
        double residual = 0;
        double variance = 0;
        for (int j = 0; j < actual.Length; j++)
        {
            double y = actual[j];
            double e = y - predicted[j];
            residual += e * e;
            variance += (y - mean) * (y - mean);
        }

        return variance > 0 ? 1 - (residual / variance) : 0;
    }

    /// <summary>
    /// Z-scores the <paramref name="d"/> features of the examples (columns) of <paramref name="fitted"/>
    /// and of <paramref name="other"/> with <paramref name="fitted"/>'s mean and (population) standard
    /// deviation, in place; a constant feature (deviation ≤ 1e-6) becomes 0.
    /// </summary>
    public static void Standardize(float[] fitted, float[] other, int d)
    {
        int m = fitted.Length / d;
        var mean = new double[d];
        var sq = new double[d];
        for (int j = 0; j < m; j++)
        {
            for (int i = 0; i < d; i++)
            {
                double v = fitted[(j * d) + i];
                mean[i] += v;
                sq[i] += v * v;
            }
        }

        var scale = new float[d];
        var shift = new float[d];
        for (int i = 0; i < d; i++)
        {
            mean[i] /= m;
            double std = Math.Sqrt(Math.Max(0, (sq[i] / m) - (mean[i] * mean[i])));
            scale[i] = std > 1e-6 ? (float)(1 / std) : 0f;
            shift[i] = (float)mean[i];
        }

        Apply(fitted);
        Apply(other);

        void Apply(float[] x)
        {
            for (int j = 0; j < x.Length / d; j++)
            {
                for (int i = 0; i < d; i++)
                {
                    x[(j * d) + i] = (x[(j * d) + i] - shift[i]) * scale[i];
                }
            }
        }
    }
}
