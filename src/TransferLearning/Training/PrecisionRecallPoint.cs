namespace TransferLearning.Training;

/// <summary>One point of a binary classifier's precision–recall curve (<see cref="PrecisionRecallCurve"/>).</summary>
public sealed record PrecisionRecallPoint
{
    /// <summary>Gets the threshold: the classifier fires (predicts the positive class 1) for every score ≥ this.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets <c>TP / (TP + FP)</c> at this threshold.</summary>
    public required double Precision { get; init; }

    /// <summary>Gets <c>TP / (TP + FN)</c> at this threshold (1 when there are no positives, as scikit-learn's <c>precision_recall_curve</c>).</summary>
    public required double Recall { get; init; }

    /// <summary>Gets <c>2·P·R / (P + R)</c>, 0 when <c>P + R = 0</c>.</summary>
    public required double F1 { get; init; }
}
