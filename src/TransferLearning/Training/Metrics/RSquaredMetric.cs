using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.RSquared"/>: <see cref="RegressionReport.R2"/> of the outputs.</summary>
internal sealed class RSquaredMetric : TransferMetric
{
    public override string Name => "RSquared";

    private protected override MetricTarget Target => MetricTarget.Regression;

    private protected override double ScoreCore(Matrix<float> outputs, float[] values, Dataset truth) =>
        RegressionReport.From(truth.TargetArray, values, truth.TargetCount).R2;
}
