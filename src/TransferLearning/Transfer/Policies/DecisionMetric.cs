using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>
/// What a decision scores candidates on: a name for the reasons, and the score (higher is better) of a
/// network's outputs (rows × examples) against the truth of the same examples.
/// </summary>
/// <param name="Name">The metric's name, such as <c>balanced accuracy</c>.</param>
/// <param name="Score">The score of the outputs against the truth; higher is better.</param>
internal sealed record DecisionMetric(string Name, Func<Matrix<float>, Dataset, double> Score)
{
    /// <summary>The share of the examples below which a class counts as rare: a target with a rarer class is scored by balanced accuracy.</summary>
    public const double RareClassShare = 0.1;

    /// <summary>
    /// The default for <paramref name="target"/>: accuracy when every class holds at least
    /// <see cref="RareClassShare"/> of the examples, balanced accuracy (the mean of the per-class recalls) when
    /// one holds less, R² (averaged over the target rows) for regression.
    /// </summary>
    public static DecisionMetric For(Dataset target)
    {
        if (!target.IsClassification)
        {
            return new("R²", RSquared);
        }

        var counts = target.CountPerClass();
        return counts.Where(c => c > 0).Min() < RareClassShare * target.Count ? BalancedAccuracy : new("accuracy", Accuracy);
    }

    /// <summary>Gets the mean of the per-class recalls.</summary>
    public static DecisionMetric BalancedAccuracy { get; } =
        new("balanced accuracy", (outputs, truth) => Statistics.BalancedAccuracy(Predicted(outputs), truth.LabelArray!, truth.ClassCount));

    /// <summary>Gets minus the mean squared error per output (higher is better).</summary>
    public static DecisionMetric NegativeSquaredError { get; } = new("−squared error", (outputs, truth) =>
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

    /// <summary>Gets the class-balanced mean probability of the true class (<see cref="TrueClassProbability"/>).</summary>
    public static DecisionMetric Soft { get; } = new("mean probability of the true class", TrueClassProbability);

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

    private static double Accuracy(Matrix<float> outputs, Dataset truth)
    {
        var predicted = Predicted(outputs);
        var labels = truth.LabelArray!;
        int right = 0;
        for (int j = 0; j < predicted.Length; j++)
        {
            right += predicted[j] == labels[j] ? 1 : 0;
        }

        return (double)right / predicted.Length;
    }

    private static double RSquared(Matrix<float> outputs, Dataset truth)
    {
        var values = outputs.AsColumnMajorArray();
        var targets = truth.TargetArray!;
        int q = truth.TargetCount;
        int n = truth.Count;
        var actual = new float[n];
        var predicted = new float[n];
        double total = 0;
        for (int r = 0; r < q; r++)
        {
            for (int j = 0; j < n; j++)
            {
                actual[j] = targets[(j * q) + r];
                predicted[j] = values[(j * q) + r];
            }

            total += Statistics.RSquared(actual, predicted);
        }

        return total / q;
    }

    /// <summary>The predicted class of each column: the largest output, or for one sigmoid unit class 1 when it is ≥ 0.5.</summary>
    private static int[] Predicted(Matrix<float> outputs)
    {
        var values = outputs.AsColumnMajorArray();
        int rows = outputs.RowCount;
        var predicted = new int[outputs.ColumnCount];
        for (int j = 0; j < predicted.Length; j++)
        {
            predicted[j] = Network.ArgMax(values.AsSpan(j * rows, rows));
        }

        return predicted;
    }
}
