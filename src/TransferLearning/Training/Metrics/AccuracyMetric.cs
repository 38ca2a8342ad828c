namespace TransferLearning.Training.Metrics;

/// <summary><see cref="TransferMetric.Accuracy"/>.</summary>
internal sealed class AccuracyMetric : DecisionMetric
{
    public override string Name => "Accuracy";

    internal override double Of(ClassificationReport report) => report.Accuracy;
}
