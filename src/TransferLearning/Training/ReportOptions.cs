namespace TransferLearning.Training;

/// <summary>The settings of <see cref="NetworkReports.Report"/>, validated when set.</summary>
public sealed record ReportOptions
{
    /// <summary>
    /// Gets the decision threshold for two classes: class 1 is predicted when <c>P(class 1) ≥</c> this, in <c>[0, 1]</c>.
    /// The default is 0.5 (for <c>Model.Report</c>, the model's <c>DecisionThreshold</c> when it has one and this is not
    /// set). Ignored for more classes and for regression.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside <c>[0, 1]</c> or NaN.</exception>
    public double Threshold
    {
        get;
        init
        {
            ClassificationReport.EnsureThreshold(value, nameof(Threshold));
            field = value;
            ThresholdIsSet = true;
        }
    } = 0.5;

    /// <summary>Gets whether <see cref="Threshold"/> was set (to any value, 0.5 too), so that it overrides a model's own threshold.</summary>
    internal bool ThresholdIsSet { get; private init; }

    /// <summary>
    /// Gets the number of examples run through the network at a time, at least 1: the report holds the outputs of one
    /// batch, never of the whole set (for two classes it keeps one score per example, for the ROC AUC and average
    /// precision). The default is 1024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int BatchSize
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(BatchSize));
            field = value;
        }
    } = 1024;
}
