using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.Custom"/>.</summary>
internal sealed class CustomMetric(string name, Func<Matrix<float>, Dataset, double> score) : TransferMetric
{
    public override string Name { get; } = name;

    private protected override MetricTarget Target => MetricTarget.Any;

    public override bool Equals(object? obj) => obj is CustomMetric other && other.Name == Name && other._score.Equals(_score);

    public override int GetHashCode() => HashCode.Combine(Name, _score);

    private readonly Func<Matrix<float>, Dataset, double> _score = score;

    private protected override double ScoreCore(Matrix<float> outputs, float[] values, Dataset truth) => _score(outputs, truth);
}
