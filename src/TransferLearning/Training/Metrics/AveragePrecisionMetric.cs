using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.AveragePrecision(int)"/>: the class against the rest, ranked by its probability.</summary>
internal sealed class AveragePrecisionMetric(int positiveClass) : TransferMetric
{
    public int PositiveClass { get; } = positiveClass;

    public override string Name => Invariant.F($"AveragePrecision({PositiveClass})");

    private protected override MetricTarget Target => MetricTarget.Classification;

    public override bool Equals(object? obj) => obj is AveragePrecisionMetric other && other.PositiveClass == PositiveClass;

    public override int GetHashCode() => HashCode.Combine(typeof(AveragePrecisionMetric), PositiveClass);

    private protected override void EnsureFits(Dataset data, string paramName) => PositiveClasses.EnsureHas(data, PositiveClass, Name, paramName);

    private protected override double ScoreCore(Matrix<float> outputs, float[] values, Dataset truth)
    {
        int rows = outputs.RowCount;
        int m = truth.Count;
        var truthLabels = truth.LabelArray!;
        var labels = new int[m];
        var scores = new float[m];
        for (int j = 0; j < m; j++)
        {
            labels[j] = truthLabels[j] == PositiveClass ? 1 : 0;
            scores[j] = rows == 1 ? (PositiveClass == 1 ? values[j] : 1f - values[j]) : values[(j * rows) + PositiveClass];
        }

        return BinaryRanking.OfOwned(labels, scores).AveragePrecision();
    }
}
