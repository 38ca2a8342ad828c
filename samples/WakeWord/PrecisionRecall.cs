namespace WakeWord;

/// <summary>Precision, recall and F1 of a detector's scores against 0/1 labels, and the threshold that maximises F1.</summary>
public static class PrecisionRecall
{
    /// <summary>The detector's quality when it fires for every score ≥ <paramref name="threshold"/>.</summary>
    /// <remarks>precision = TP / (TP + FP) (1 when it never fires), recall = TP / (TP + FN), F1 = 2·P·R / (P + R).</remarks>
    public static DetectionScore At(IReadOnlyList<float> scores, IReadOnlyList<bool> positive, double threshold)
    {
        Check(scores, positive);
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool fires = scores[i] >= threshold;
            if (fires && positive[i])
            {
                tp++;
            }
            else if (fires)
            {
                fp++;
            }
            else if (positive[i])
            {
                fn++;
            }
        }

        return Score(threshold, tp, fp, fn);
    }

    /// <summary>The threshold (one of the scores) whose F1 on these examples is highest — chosen on validation data, then used on test data.</summary>
    public static DetectionScore BestF1(IReadOnlyList<float> scores, IReadOnlyList<bool> positive) =>
        Curve(scores, positive).MaxBy(p => p.F1)!;

    /// <summary>Every point of the precision–recall curve: one per distinct score, from the highest threshold down.</summary>
    public static IReadOnlyList<DetectionScore> Curve(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        Check(scores, positive);
        int positives = positive.Count(p => p);
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var curve = new List<DetectionScore>();
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (positive[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            // Ties fire together: a point only where the next score is lower.
            if (k + 1 == order.Length || scores[order[k + 1]] < scores[order[k]])
            {
                curve.Add(Score(scores[order[k]], tp, fp, positives - tp));
            }
        }

        return curve;
    }

    /// <summary>Average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ over the curve's points (the area under the step curve).</summary>
    public static double AveragePrecision(IReadOnlyList<DetectionScore> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        double area = 0, previousRecall = 0;
        foreach (var point in curve)
        {
            area += (point.Recall - previousRecall) * point.Precision;
            previousRecall = point.Recall;
        }

        return area;
    }

    private static DetectionScore Score(double threshold, int tp, int fp, int fn)
    {
        double precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new DetectionScore(threshold, precision, recall, f1);
    }

    private static void Check(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count || scores.Count == 0)
        {
            throw new ArgumentException($"Expected one label per score (and at least one) but got {scores.Count} scores and {positive.Count} labels.", nameof(positive));
        }
    }
}
