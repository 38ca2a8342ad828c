namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.BalancedAccuracy"/>.</summary>
internal sealed class BalancedAccuracyMetric : DecisionMetric
{
    public override string Name => "BalancedAccuracy";

    internal override double Of(ClassificationReport report) => report.BalancedAccuracy;
}
