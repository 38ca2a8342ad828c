using System.Globalization;

namespace TransferLearning.Samples;

/// <summary>The mean of some runs and their sample standard deviation (0 for a single run).</summary>
/// <param name="Mean">The mean.</param>
/// <param name="StandardDeviation">The sample standard deviation, √(Σ(x − mean)² / (n − 1)); 0 when n = 1.</param>
/// <param name="Count">How many runs.</param>
public readonly record struct MeanAndDeviation(double Mean, double StandardDeviation, int Count)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">There are no values.</exception>
    public static MeanAndDeviation Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("Expected at least one value but got none.", nameof(values));
        }

        double mean = list.Average();
        double sd = list.Length > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Length - 1)) : 0;
        return new MeanAndDeviation(mean, sd, list.Length);
    }

    /// <summary>"0.912 ± 0.010" (or "0.912" for one run).</summary>
    public override string ToString() => Count > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Mean:F3} ± {StandardDeviation:F3}")
        : Mean.ToString("F3", CultureInfo.InvariantCulture);
}
