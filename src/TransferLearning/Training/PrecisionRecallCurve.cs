namespace TransferLearning.Training;

/// <summary>The precision–recall curve of a binary classifier's scores, as scikit-learn's <c>precision_recall_curve</c>.</summary>
public static class PrecisionRecallCurve
{
    /// <summary>Computes one curve point per distinct score, from the highest threshold down.</summary>
    /// <param name="labels">The true classes, 0 (negative) or 1 (positive), one per example.</param>
    /// <param name="scores">The scores, one per example; higher means more likely positive (a sigmoid output, or <c>P(class 1)</c>). Finite.</param>
    /// <returns>
    /// The points, from the highest score to the lowest: at the <c>n</c>-th distinct score <c>s_n</c> the classifier fires
    /// for every score ≥ <c>s_n</c>, so tied scores enter together.
    /// </returns>
    /// <remarks>
    /// <para>
    /// At threshold <c>s_n</c>: <c>TP_n</c> and <c>FP_n</c> count the positives and negatives with score ≥ <c>s_n</c>,
    /// <c>P_n = TP_n / (TP_n + FP_n)</c> (never 0/0: at least one example fires), <c>R_n = TP_n / (number of positives)</c>
    /// (1 when there are no positives, scikit-learn's convention), <c>F1_n = 2·P_n·R_n / (P_n + R_n)</c>.
    /// The average precision of <see cref="BinaryMetrics.AveragePrecision"/> is <c>Σ_n (R_n − R_{n−1})·P_n</c> over these
    /// points with <c>R_0 = 0</c>. Time <c>O(m log m)</c>; memory: a copy of the scores and labels.
    /// </para>
    /// <para>Unlike scikit-learn, the list does not end with the extra point (recall 0, precision 1), which has no threshold.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="labels"/> is empty, the two spans differ in length, a label is not 0 or 1, or a score is NaN or ∞.</exception>
    public static IReadOnlyList<PrecisionRecallPoint> Compute(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores)
    {
        BinaryRanking.Validate(labels, scores, nameof(labels), nameof(scores));
        var ranking = BinaryRanking.Of(labels, scores);
        var points = new List<PrecisionRecallPoint>(ranking.Count);
        for (int n = 0; n < ranking.Count; n++)
        {
            var (threshold, tp, fp) = ranking[n];
            double precision = (double)tp / (tp + fp);
            double recall = ranking.Positives == 0 ? 1 : (double)tp / ranking.Positives;
            points.Add(new PrecisionRecallPoint { Threshold = threshold, Precision = precision, Recall = recall, F1 = BinaryRanking.F1(precision, recall) });
        }

        return points;
    }
}
