namespace TransferLearning.Training;

/// <summary>
/// The cumulative counts behind the ROC and precision–recall curves (scikit-learn's <c>_binary_clf_curve</c>): the
/// examples sorted by score, highest first, and at each distinct score <c>s_n</c> the number of positives
/// <c>TP_n</c> and negatives <c>FP_n</c> with score ≥ <c>s_n</c>.
/// </summary>
internal sealed class BinaryRanking
{
    private readonly float[] _thresholds;
    private readonly int[] _truePositives;
    private readonly int[] _falsePositives;

    private BinaryRanking(float[] thresholds, int[] truePositives, int[] falsePositives, int count, int positives, int negatives)
    {
        _thresholds = thresholds;
        _truePositives = truePositives;
        _falsePositives = falsePositives;
        Count = count;
        Positives = positives;
        Negatives = negatives;
    }

    /// <summary>Gets the number of distinct scores (curve points).</summary>
    public int Count { get; }

    /// <summary>Gets the number of positive examples.</summary>
    public int Positives { get; }

    /// <summary>Gets the number of negative examples.</summary>
    public int Negatives { get; }

    /// <summary>Gets the <paramref name="n"/>-th distinct score from the top and the positives and negatives scoring at least it.</summary>
    public (float Threshold, int TruePositives, int FalsePositives) this[int n] => (_thresholds[n], _truePositives[n], _falsePositives[n]);

    /// <summary>Sorts copies of the scores and labels (0/1, already validated) and counts.</summary>
    public static BinaryRanking Of(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores) => OfOwned(labels.ToArray(), scores.ToArray());

    /// <summary>As <see cref="Of"/>, sorting <paramref name="labels"/> and <paramref name="scores"/> in place (they are changed: the caller gives them up).</summary>
    public static BinaryRanking OfOwned(int[] labels, float[] scores)
    {
        int m = labels.Length;
        float[] keys = scores;
        int[] items = labels;
        for (int i = 0; i < m; i++)
        {
            keys[i] = -keys[i]; // ascending on −s is descending on s; −0 and +0 compare equal, as in numpy
        }

        Array.Sort(keys, items);
        float[] thresholds = new float[m];
        int[] tps = new int[m];
        int[] fps = new int[m];
        int count = 0, tp = 0, fp = 0;
        for (int i = 0; i < m; i++)
        {
            if (items[i] == 1)
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (i + 1 == m || keys[i + 1] != keys[i])
            {
                thresholds[count] = -keys[i];
                tps[count] = tp;
                fps[count] = fp;
                count++;
            }
        }

        return new BinaryRanking(thresholds, tps, fps, count, tp, fp);
    }

    /// <summary>
    /// The area under the ROC curve by the trapezoidal rule over the points <c>(FP_n / N, TP_n / P)</c> from
    /// <c>(0, 0)</c>, as scikit-learn's <c>roc_auc_score</c> (ties form one diagonal step, worth half); NaN when
    /// only one class is present.
    /// </summary>
    public double RocAuc()
    {
        if (Positives == 0 || Negatives == 0)
        {
            return double.NaN;
        }

        double area = 0, previousFpr = 0, previousTpr = 0;
        for (int n = 0; n < Count; n++)
        {
            double fpr = (double)_falsePositives[n] / Negatives;
            double tpr = (double)_truePositives[n] / Positives;
            area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
            previousFpr = fpr;
            previousTpr = tpr;
        }

        return area;
    }

    /// <summary><c>Σ_n (R_n − R_{n−1})·P_n</c>, <c>R_0 = 0</c>, as scikit-learn's <c>average_precision_score</c>; NaN when there are no positives.</summary>
    public double AveragePrecision()
    {
        if (Positives == 0)
        {
            return double.NaN;
        }

        double area = 0, previousRecall = 0;
        for (int n = 0; n < Count; n++)
        {
            double recall = (double)_truePositives[n] / Positives;
            area += (recall - previousRecall) * _truePositives[n] / (_truePositives[n] + _falsePositives[n]);
            previousRecall = recall;
        }

        return area;
    }

    /// <summary><c>2·P·R / (P + R)</c>, 0 when <c>P + R = 0</c>.</summary>
    public static double F1(double precision, double recall) =>
        precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    /// <summary>Throws unless there is at least one example, one score per label, labels 0 or 1 and finite scores.</summary>
    public static void Validate(ReadOnlySpan<int> labels, ReadOnlySpan<float> scores, string labelsName, string scoresName)
    {
        if (labels.IsEmpty)
        {
            throw new ArgumentException("Expected at least one example but got 0 labels.", labelsName);
        }

        if (scores.Length != labels.Length)
        {
            throw new ArgumentException(Invariant.F($"Expected one score per label ({labels.Length}) but got {scores.Length} scores."), scoresName);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0 or 1))
            {
                throw new ArgumentException(Invariant.F($"Expected labels 0 or 1 but label {i} is {labels[i]}."), labelsName);
            }

            if (!float.IsFinite(scores[i]))
            {
                throw new ArgumentException(Invariant.F($"Expected finite scores but score {i} is {scores[i]}."), scoresName);
            }
        }
    }
}
