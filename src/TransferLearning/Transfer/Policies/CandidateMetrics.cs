using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Training;
using TransferLearning.Training.Metrics;

namespace TransferLearning.Transfer;

/// <summary>The scores the policies use besides the user's <see cref="TransferMetric"/>: the smooth tie-breaker and the squared error a candidate reports.</summary>
internal static class CandidateMetrics
{
    /// <summary>Gets the class-balanced mean probability of the true class (<see cref="TrueClassProbability"/>), the tie-breaker of the policies.</summary>
    public static TransferMetric Soft { get; } = TransferMetric.Custom("mean probability of the true class", TrueClassProbability);

    /// <summary>
    /// Whether <see cref="Soft"/> may break a tie of <paramref name="metric"/> between the rule's choice and its alternative:
    /// not for a ranking metric (average precision), which the probability of the true class does not predict — it rewards
    /// a confidence the ranking ignores (measured on the detector: a frozen head ranks as well but is less sure of the rare class).
    /// </summary>
    public static bool BreaksTiesOf(TransferMetric metric) => metric is not AveragePrecisionMetric;

    /// <summary>Gets minus the mean squared error per output (higher is better).</summary>
    public static TransferMetric NegativeSquaredError { get; } = TransferMetric.Custom("−squared error", (outputs, truth) =>
    {
        var values = outputs.AsColumnMajorArray();
        var targets = truth.TargetArray!;
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double e = values[i] - targets[i];
            sum += e * e;
        }

        return -sum / values.Length;
    });

    /// <summary>
    /// The mean probability the outputs give the true class (one sigmoid unit: <c>a</c> for class 1, <c>1 − a</c> for
    /// class 0), each class weighted equally: a smooth accuracy whose paired differences are far less noisy than
    /// those of counting right answers, for breaking ties the metric cannot resolve.
    /// </summary>
    public static double TrueClassProbability(Matrix<float> outputs, Dataset truth)
    {
        var values = outputs.AsColumnMajorArray();
        int rows = outputs.RowCount;
        var labels = truth.LabelArray!;
        var sum = new double[Math.Max(2, truth.ClassCount)];
        var count = new int[sum.Length];
        for (int j = 0; j < labels.Length; j++)
        {
            int c = labels[j];
            double p = rows == 1 ? (c == 1 ? values[j] : 1 - values[j]) : values[(j * rows) + c];
            sum[c] += p;
            count[c]++;
        }

        double total = 0;
        int classes = 0;
        for (int c = 0; c < sum.Length; c++)
        {
            if (count[c] > 0)
            {
                total += sum[c] / count[c];
                classes++;
            }
        }

        return total / classes;
    }
}
