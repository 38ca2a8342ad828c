using TransferLearning.Data;

namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.F1(int)"/>.</summary>
internal sealed class F1Metric(int positiveClass) : DecisionMetric
{
    public int PositiveClass { get; } = positiveClass;

    public override string Name => Invariant.F($"F1({PositiveClass})");

    internal override double Of(ClassificationReport report) => report.Classes[PositiveClass].F1;

    public override bool Equals(object? obj) => obj is F1Metric other && other.PositiveClass == PositiveClass;

    public override int GetHashCode() => HashCode.Combine(typeof(F1Metric), PositiveClass);

    private protected override void EnsureFits(Dataset data, string paramName) => PositiveClasses.EnsureHas(data, PositiveClass, Name, paramName);
}
