namespace TransferLearning.Training;

/// <summary>
/// The result of <see cref="NetworkReports.Report"/>: a <see cref="ClassificationReport"/> for a data set with class
/// labels, or a <see cref="RegressionReport"/> for one with regression targets (exactly one of the two is set).
/// </summary>
public sealed class EvaluationReport
{
    internal EvaluationReport(ClassificationReport? classification, RegressionReport? regression)
    {
        Classification = classification;
        Regression = regression;
    }

    /// <summary>Gets the number of examples.</summary>
    public int Count => Classification?.Count ?? Regression!.Count;

    /// <summary>Gets the classification report, or <see langword="null"/> for a regression set.</summary>
    public ClassificationReport? Classification { get; }

    /// <summary>Gets the regression report, or <see langword="null"/> for a classification set.</summary>
    public RegressionReport? Regression { get; }

    /// <summary>Returns the table of the report that is set (<see cref="ClassificationReport.ToString"/> or <see cref="RegressionReport.ToString"/>).</summary>
    /// <returns>The table.</returns>
    public override string ToString() => Classification?.ToString() ?? Regression!.ToString();
}
