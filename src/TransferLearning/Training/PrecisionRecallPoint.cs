namespace TransferLearning.Training;

/// <summary>One point of a binary classifier's precision–recall curve (<see cref="PrecisionRecallCurve"/>).</summary>
/// <param name="Threshold">The classifier fires (predicts the positive class 1) for every score ≥ this.</param>
/// <param name="Precision"><c>TP / (TP + FP)</c> at this threshold.</param>
/// <param name="Recall"><c>TP / (TP + FN)</c> at this threshold (1 when there are no positives, as scikit-learn's <c>precision_recall_curve</c>).</param>
/// <param name="F1"><c>2·P·R / (P + R)</c>, 0 when <c>P + R = 0</c>.</param>
public sealed record PrecisionRecallPoint(double Threshold, double Precision, double Recall, double F1);
