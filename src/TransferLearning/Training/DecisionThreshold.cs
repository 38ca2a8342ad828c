using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training.Metrics;

namespace TransferLearning.Training;

/// <summary>
/// The decision threshold of a binary detector: class 1 when <c>s = P(class 1) ≥ t</c>. A network trained on a rare
/// class gives it low probabilities; the default <c>t = 0.5</c> then seldom fires, and a threshold chosen on held-out
/// data serves the user's metric instead.
/// </summary>
/// <example>
/// <code>
/// var (threshold, score) = DecisionThreshold.Choose(network.Predict(holdout.Features), holdout, TransferMetric.F1(1));
/// int[] classes = network.PredictClasses(test.Features, threshold);
/// var report = network.Report(test, new ReportOptions { Threshold = threshold });
///
/// // A deployable model keeps it (saved and loaded with it); raw held-out rows, standardised by the model:
/// var model = Model.Create(network, train, standardizer).WithDecisionThreshold(rawHoldout, TransferMetric.F1(1));
/// </code>
/// </example>
public static class DecisionThreshold
{
    /// <summary>Chooses the threshold that maximises a metric of the decisions on held-out outputs.</summary>
    /// <param name="outputs">
    /// The detector's outputs on held-out examples, one column each: one sigmoid row <c>s</c>, or a two-class softmax
    /// (row 1 is <c>s</c>); probabilities in <c>[0, 1]</c>.
    /// </param>
    /// <param name="truth">The held-out examples' labels, 0 or 1 (at most two classes; the features are not read).</param>
    /// <param name="metric">A metric of the decisions: <see cref="TransferMetric.Accuracy"/>, <see cref="TransferMetric.BalancedAccuracy"/> or <see cref="TransferMetric.F1(int)"/>.</param>
    /// <returns>The threshold, in <c>[0, 1]</c>, and the metric's score on <paramref name="truth"/> at it.</returns>
    /// <remarks>
    /// <para>
    /// Every distinct rule is tried: with the distinct scores <c>s_1 &gt; s_2 &gt; … &gt; s_n</c>, firing for
    /// <c>s ≥ s_i</c> (each <i>i</i>) or never. The metric is computed from the confusion matrix of each rule — the
    /// cumulative counts of <see cref="PrecisionRecallCurve"/>, in <c>O(m log m)</c> — and each rule's threshold is
    /// the midpoint of the gap it cuts, <c>t_i = (s_i + s_{i+1}) / 2</c> (<c>s_n / 2</c> for the lowest, <c>(s_1 + 1) / 2</c>
    /// for never), so that new examples near a held-out score are not decided by it alone.
    /// </para>
    /// <para>
    /// Among rules of equal score the threshold nearest 0.5 (the untuned default) wins, and the higher of two equally
    /// near: the threshold moves from the default only as far as the held-out data ask. Choose on data the network
    /// was not trained on: on its training data the threshold over-fits.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="metric"/> is not a metric of the decisions (average precision and R² do not depend on a
    /// threshold; a custom metric cannot be scored at one), or cannot score <paramref name="truth"/>;
    /// <paramref name="truth"/> has regression targets or more than two classes; <paramref name="outputs"/> has not one
    /// column per example, is neither one row nor two, holds NaN or ∞ or a probability outside <c>[0, 1]</c>.
    /// </exception>
    public static (double Threshold, double Score) Choose(Matrix<float> outputs, Dataset truth, TransferMetric metric)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(metric);
        if (metric is not DecisionMetric decisions)
        {
            throw new ArgumentException(
                $"Expected a metric of the decisions (Accuracy, BalancedAccuracy or F1) but got {metric.Name}, which does not depend on a threshold.", nameof(metric));
        }

        EnsureBinary(truth, nameof(truth));
        metric.EnsureApplicable(truth, nameof(truth));
        int rows = outputs.RowCount;
        var values = outputs.AsColumnMajorArray() ?? outputs.ToColumnMajorArray();
        EnsureDetectorOutputs(rows, nameof(outputs));
        TransferMetric.EnsureOutputs(values, rows, outputs.ColumnCount, truth, TransferMetric.MetricTarget.Classification, nameof(outputs));
        _ = DecisionMetric.ReportOf(values, rows, truth, 0.5, nameof(outputs), nameof(truth)); // checks every probability, naming the example

        int m = truth.Count;
        var scores = new float[m];
        for (int j = 0; j < m; j++)
        {
            scores[j] = values[(j * rows) + rows - 1];
        }

        var ranking = BinaryRanking.OfOwned(truth.LabelArray!.ToArray(), scores);
        var names = ClassificationReport.NamesOf(null, 2, nameof(truth));
        double Rule(int truePositives, int falsePositives) =>
            decisions.Of(new ClassificationReport(
                2,
                names,
                [ranking.Negatives - falsePositives, falsePositives, ranking.Positives - truePositives, truePositives],
                double.NaN,
                null));

        // Never fire: only when some score is below 1 (a threshold above every score must stay in [0, 1]).
        float top = ranking[0].Threshold;
        double bestThreshold = double.NaN, bestScore = double.NegativeInfinity;
        void Consider(double threshold, double score)
        {
            bool better = score > bestScore
                || (score == bestScore && (Math.Abs(threshold - 0.5) < Math.Abs(bestThreshold - 0.5)
                    || (Math.Abs(threshold - 0.5) == Math.Abs(bestThreshold - 0.5) && threshold > bestThreshold)));
            if (better)
            {
                bestThreshold = threshold;
                bestScore = score;
            }
        }

        if (top < 1)
        {
            Consider((top + 1.0) / 2, Rule(0, 0));
        }

        for (int n = 0; n < ranking.Count; n++)
        {
            var (s, tp, fp) = ranking[n];
            double below = n + 1 < ranking.Count ? ranking[n + 1].Threshold : 0.0;
            Consider((s + below) / 2, Rule(tp, fp));
        }

        return (bestThreshold, bestScore);
    }

    /// <summary>Decides a binary detector's class per column at a threshold: 1 when <c>s = P(class 1) ≥ threshold</c>, else 0.</summary>
    /// <param name="outputs">The detector's outputs, one column per example: one sigmoid row <c>s</c>, or a two-class softmax (row 1 is <c>s</c>).</param>
    /// <param name="threshold">The threshold, in <c>[0, 1]</c> (<see cref="Choose"/>'s).</param>
    /// <returns>One class per column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputs"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="outputs"/> is neither one row nor two.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in <c>[0, 1]</c>.</exception>
    public static int[] Classify(Matrix<float> outputs, double threshold)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ClassificationReport.EnsureThreshold(threshold, nameof(threshold));
        EnsureDetectorOutputs(outputs.RowCount, nameof(outputs));
        int rows = outputs.RowCount;
        var classes = new int[outputs.ColumnCount];
        for (int j = 0; j < classes.Length; j++)
        {
            classes[j] = outputs[rows - 1, j] >= threshold ? 1 : 0;
        }

        return classes;
    }

    /// <summary>
    /// Predicts a binary detector's class per column of <paramref name="x"/> at a threshold: 1 when
    /// <c>P(class 1) ≥ threshold</c> (<see cref="Network.PredictClasses(Matrix{float})"/> at 0.5 but for an exact tie of a two-class softmax).
    /// </summary>
    /// <param name="network">The detector: one sigmoid output unit, or a two-unit softmax.</param>
    /// <param name="x"><c>X</c>, <c>n_x × m</c>, finite.</param>
    /// <param name="threshold">The threshold, in <c>[0, 1]</c> (<see cref="Choose"/>'s).</param>
    /// <returns>One class per column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="x"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The network has neither one output nor two; <paramref name="x"/> does not have the network's input rows, has no columns, or holds NaN or ∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in <c>[0, 1]</c>.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public static int[] PredictClasses(this Network network, Matrix<float> x, double threshold)
    {
        ArgumentNullException.ThrowIfNull(network);
        ClassificationReport.EnsureThreshold(threshold, nameof(threshold));
        EnsureDetectorOutputs(network.OutputSize, nameof(network));
        return Classify(network.Predict(x), threshold);
    }

    private static void EnsureDetectorOutputs(int rows, string paramName)
    {
        if (rows is not (1 or 2))
        {
            throw new ArgumentException(Invariant.F($"Expected a binary detector's outputs, one sigmoid row or a two-class softmax, but got {rows} rows."), paramName);
        }
    }

    private static void EnsureBinary(Dataset truth, string paramName)
    {
        if (truth.IsClassification && truth.ClassCount > 2)
        {
            throw new ArgumentException(Invariant.F($"Expected a binary target, labels 0 or 1, but the data set has {truth.ClassCount} classes."), paramName);
        }
    }
}
