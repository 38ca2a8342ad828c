namespace TransferLearning.Training;

/// <summary>
/// The binary part of a <see cref="ClassificationReport"/> (two classes: a softmax over 2 outputs, or one sigmoid output):
/// class 1 is the positive class, scored by <c>s = P(class 1)</c>.
/// </summary>
public sealed record BinaryMetrics
{
    /// <summary>Gets the decision threshold: an example is predicted positive when <c>s ≥ Threshold</c>.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the positive class's precision at the threshold, <c>TP / (TP + FP)</c>, 0 when nothing is predicted positive (scikit-learn's <c>zero_division=0</c>).</summary>
    public required double Precision { get; init; }

    /// <summary>Gets the positive class's recall at the threshold, <c>TP / (TP + FN)</c>, 0 when there are no positives.</summary>
    public required double Recall { get; init; }

    /// <summary>Gets <c>2·P·R / (P + R)</c> at the threshold, 0 when <c>P + R = 0</c>.</summary>
    public required double F1 { get; init; }

    /// <summary>Gets the positives predicted positive at the threshold.</summary>
    public required int TruePositives { get; init; }

    /// <summary>Gets the negatives predicted positive at the threshold.</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Gets the positives predicted negative at the threshold.</summary>
    public required int FalseNegatives { get; init; }

    /// <summary>Gets the negatives predicted negative at the threshold.</summary>
    public required int TrueNegatives { get; init; }

    /// <summary>
    /// Gets the area under the ROC curve (independent of the threshold), as scikit-learn's <c>roc_auc_score</c>:
    /// the trapezoidal area under the points <c>(FPR, TPR)</c> of every distinct score, from <c>(0, 0)</c>, so a tie
    /// between a positive and a negative counts one half; equal to the probability that a random positive scores
    /// above a random negative. NaN when only one class is present (scikit-learn raises; the area is undefined).
    /// </summary>
    public required double RocAuc { get; init; }

    /// <summary>
    /// Gets the average precision (independent of the threshold), as scikit-learn's <c>average_precision_score</c>:
    /// <c>AP = Σ_n (R_n − R_{n−1})·P_n</c> over the distinct scores from the highest down (<see cref="PrecisionRecallCurve"/>),
    /// <c>R_0 = 0</c>, tied scores entering together. NaN when there are no positives (recall is undefined).
    /// </summary>
    public required double AveragePrecision { get; init; }
}
