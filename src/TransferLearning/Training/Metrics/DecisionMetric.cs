using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary>
/// A classification metric of the decisions alone: a function of the confusion matrix, read from the
/// <see cref="ClassificationReport"/> of the outputs, so that <see cref="DecisionThreshold.Choose"/> can score it at any threshold.
/// </summary>
internal abstract class DecisionMetric : TransferMetric
{
    private protected override MetricTarget Target => MetricTarget.Classification;

    /// <summary>The score of the decisions a report describes.</summary>
    internal abstract double Of(ClassificationReport report);

    /// <summary>
    /// The report of checked outputs (<paramref name="rows"/> per example: one per class, or one sigmoid row) at
    /// <paramref name="threshold"/> for two classes; probabilities outside <c>[0, 1]</c> throw, naming the example.
    /// </summary>
    internal static ClassificationReport ReportOf(ReadOnlySpan<float> values, int rows, Dataset truth, double threshold, string outputsName, string truthName)
    {
        int classCount = rows == 1 ? 2 : rows;
        ClassificationReport.EnsureClassCount(classCount, outputsName);
        var tally = new ClassificationTally(classCount, rows, truth.Count, threshold);
        tally.Add(truth.LabelArray, values, truthName, outputsName);
        return tally.Report(ClassificationReport.NamesOf(null, classCount, outputsName));
    }

    private protected override double ScoreCore(Matrix<float> outputs, float[] values, Dataset truth) =>
        Of(ReportOf(values, outputs.RowCount, truth, 0.5, nameof(outputs), nameof(truth)));
}
