using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Training.Metrics;

namespace TransferLearning.Training;

/// <summary>
/// What a trained network is judged on: a score of its outputs on labelled examples, <b>higher is better</b> for
/// every metric (R², not the squared error). A transfer can be told its metric (<c>TransferOptions.Metric</c>);
/// <see cref="DefaultFor"/> picks one from the target.
/// </summary>
/// <remarks>
/// <para>
/// The outputs are the network's output activations <c>A[L]</c>, <c>n[L] × m</c>, one column per example, as
/// <see cref="Networks.Network.Predict(Matrix{float})"/> gives them: class probabilities of a softmax (at least one row
/// per class of the data), one sigmoid row <c>s = P(class 1)</c> for two classes, or the regression predictions (one row
/// per target).
/// </para>
/// <para>
/// The classification metrics score the decisions of <see cref="ClassificationReport"/>: the arg-max of the
/// probabilities, and for two classes class 1 when <c>P(class 1) ≥ 0.5</c> (<see cref="DecisionThreshold.Choose"/>
/// finds a better threshold on held-out data). The maths are those of <see cref="ClassificationReport"/>,
/// <see cref="PrecisionRecallCurve"/> and <see cref="RegressionReport"/> (scikit-learn's conventions).
/// </para>
/// </remarks>
public abstract class TransferMetric
{
    /// <summary>
    /// The share of the examples under which a class counts as rare for <see cref="DefaultFor"/>: 0.1 (10 %), together
    /// with half of a balanced share.
    /// </summary>
    internal const double RareClassShare = 0.1;

    private protected TransferMetric()
    {
    }

    /// <summary>
    /// Gets the share of examples whose predicted class is the true one, <c>Σ_c C[c, c] / m</c>
    /// (<see cref="ClassificationReport.Accuracy"/>), in <c>[0, 1]</c>. Classification only.
    /// </summary>
    public static TransferMetric Accuracy { get; } = new AccuracyMetric();

    /// <summary>
    /// Gets the mean recall over the classes that have examples, <c>(1/k')·Σ_c C[c, c] / n_c</c>
    /// (<see cref="ClassificationReport.BalancedAccuracy"/>, scikit-learn's <c>balanced_accuracy_score</c>), in <c>[0, 1]</c>:
    /// every class weighs the same whatever its size, so "never the rare class" scores 0.5 on two classes, not the
    /// majority's share. Classification only.
    /// </summary>
    public static TransferMetric BalancedAccuracy { get; } = new BalancedAccuracyMetric();

    /// <summary>
    /// Gets the coefficient of determination, <c>R² = 1 − Σ_i (y_i − ŷ_i)² / Σ_i (y_i − ȳ)²</c>, averaged over the targets
    /// (<see cref="RegressionReport.R2"/>): 1 is perfect, 0 is as good as predicting the mean, below 0 is worse; NaN for
    /// one example. Regression only.
    /// </summary>
    public static TransferMetric RSquared { get; } = new RSquaredMetric();

    /// <summary>Gets the metric's name, as the factory that made it reads (<c>Accuracy</c>, <c>F1(1)</c>, or a custom metric's name).</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the metric scores: class labels, regression targets, or either (a custom metric).</summary>
    private protected abstract MetricTarget Target { get; }

    /// <summary>
    /// Returns the F1 score of one class, <c>2·P·R / (P + R)</c> with <c>P = TP / (TP + FP)</c> and <c>R = TP / (TP + FN)</c>
    /// for that class (<see cref="ClassMetrics.F1"/>; 0 when <c>P + R = 0</c>), in <c>[0, 1]</c>. Classification only.
    /// </summary>
    /// <param name="positiveClass">The class whose F1 is scored, ≥ 0 (and less than the data's class count when scored); for a binary detector, 1.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveClass"/> is negative.</exception>
    public static TransferMetric F1(int positiveClass)
    {
        Guard.AtLeast(positiveClass, 0, nameof(positiveClass));
        return new F1Metric(positiveClass);
    }

    /// <summary>
    /// Returns the average precision of one class against the rest, ranked by its probability:
    /// <c>AP = Σ_n (R_n − R_{n−1})·P_n</c> over the distinct scores from the highest down, <c>R_0 = 0</c>
    /// (<see cref="BinaryMetrics.AveragePrecision"/>, scikit-learn's <c>average_precision_score</c>), in <c>[0, 1]</c>;
    /// independent of any decision threshold. NaN when the data have no example of the class. Classification only.
    /// </summary>
    /// <param name="positiveClass">The class ranked, ≥ 0 (and less than the data's class count when scored); its score is its probability (for one sigmoid output <c>s</c>: <c>s</c> for class 1, <c>1 − s</c> for class 0).</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveClass"/> is negative.</exception>
    public static TransferMetric AveragePrecision(int positiveClass)
    {
        Guard.AtLeast(positiveClass, 0, nameof(positiveClass));
        return new AveragePrecisionMetric(positiveClass);
    }

    /// <summary>
    /// Returns a metric of one's own: <paramref name="score"/> receives the outputs (<c>n[L] × m</c>, finite, one column per
    /// example) and the data (as many examples), checked as for every metric; higher must be better.
    /// </summary>
    /// <param name="name">The name the metric is shown by; not empty.</param>
    /// <param name="score">The score; it may be given either class labels or regression targets, and should throw on those it cannot score.</param>
    /// <returns>The metric. Two custom metrics are equal when they have the same name and the same function.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="score"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static TransferMetric Custom(string name, Func<Matrix<float>, Dataset, double> score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(score);
        return new CustomMetric(name, score);
    }

    /// <summary>
    /// Returns the metric a target is judged on unless told otherwise: <see cref="RSquared"/> for regression targets;
    /// for class labels <see cref="BalancedAccuracy"/> when a class is rare, else <see cref="Accuracy"/>.
    /// </summary>
    /// <param name="target">The target's training data.</param>
    /// <returns>The metric.</returns>
    /// <remarks>
    /// A class is rare when it has examples, but fewer than 10 % of them (<c>n_c &lt; 0.1·m</c>) <i>and</i> fewer than half of
    /// a balanced share (<c>n_c &lt; m / (2·k')</c>, <c>k'</c> the classes that have examples): a 1-in-21 detector
    /// (4.8 %) is judged on balanced accuracy, twenty classes of 5 % each on accuracy. On a balanced target the two
    /// metrics are equal; on an imbalanced one accuracy rewards never predicting the rare class.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is <see langword="null"/>.</exception>
    public static TransferMetric DefaultFor(Dataset target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsClassification)
        {
            return RSquared;
        }

        var counts = target.CountPerClass();
        int present = counts.Count(n => n > 0);
        int m = target.Count;
        bool rare = counts.Any(n => n > 0 && n < RareClassShare * m && 2.0 * n * present < m);
        return rare ? BalancedAccuracy : Accuracy;
    }

    /// <summary>Returns whether the metric can score data like <paramref name="data"/> (class labels or regression targets; a custom metric takes either).</summary>
    /// <param name="data">The data.</param>
    /// <returns><see langword="true"/> when it can.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    public bool AppliesTo(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Target switch
        {
            MetricTarget.Classification => data.IsClassification,
            MetricTarget.Regression => !data.IsClassification,
            _ => true,
        };
    }

    /// <summary>Scores the outputs of a network on <paramref name="truth"/>'s examples; higher is better.</summary>
    /// <param name="outputs">
    /// <c>A[L]</c>, <c>n[L] × m</c>, one column per example of <paramref name="truth"/>, finite: for class labels the
    /// probabilities of a softmax (at least one row per class, each in <c>[0, 1]</c>) or one sigmoid row for at most two
    /// classes; for regression targets one row per target.
    /// </param>
    /// <param name="truth">The examples' labels or targets (the features are not read).</param>
    /// <returns>The score (see each metric for its range and when it is NaN).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputs"/> or <paramref name="truth"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A classification metric is given regression targets or the reverse (<paramref name="truth"/>); the data lack the
    /// metric's positive class (<paramref name="truth"/>); <paramref name="outputs"/> has not one column per example, has
    /// the wrong number of rows, holds NaN or ∞, or (class labels) a probability outside <c>[0, 1]</c>.
    /// </exception>
    public double Score(Matrix<float> outputs, Dataset truth)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(truth);
        EnsureApplicable(truth, nameof(truth));
        var values = outputs.AsColumnMajorArray() ?? outputs.ToColumnMajorArray();
        EnsureOutputs(values, outputs.RowCount, outputs.ColumnCount, truth, Target, nameof(outputs));
        return ScoreCore(outputs, values, truth);
    }

    /// <summary>Returns <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Throws unless the metric can score <paramref name="data"/>; the exception names <paramref name="paramName"/>.</summary>
    internal void EnsureApplicable(Dataset data, string paramName)
    {
        if (!AppliesTo(data))
        {
            string expected = Target == MetricTarget.Classification ? "class labels" : "regression targets";
            string actual = data.IsClassification ? "class labels" : "regression targets";
            throw new ArgumentException(Invariant.F($"Expected {expected} for the metric {Name} but the data set has {actual}."), paramName);
        }

        EnsureFits(data, paramName);
    }

    /// <summary>Throws when the data cannot hold what the metric names (a positive class beyond its classes).</summary>
    private protected virtual void EnsureFits(Dataset data, string paramName)
    {
    }

    /// <summary>Scores checked outputs (<paramref name="values"/> is <paramref name="outputs"/>, column-major).</summary>
    private protected abstract double ScoreCore(Matrix<float> outputs, float[] values, Dataset truth);

    /// <summary>
    /// Throws unless the outputs have one column per example, rows that fit the data (a softmax row per class or one
    /// sigmoid row for two classes; a row per regression target), and finite values.
    /// </summary>
    internal static void EnsureOutputs(ReadOnlySpan<float> values, int rows, int columns, Dataset truth, MetricTarget target, string paramName)
    {
        if (columns != truth.Count)
        {
            throw new ArgumentException(
                Invariant.F($"Expected outputs with one column per example ({truth.Count}) but got {columns} columns."), paramName);
        }

        if (target != MetricTarget.Any)
        {
            bool fits = truth.IsClassification ? (rows == 1 ? truth.ClassCount <= 2 : rows >= truth.ClassCount) : rows == truth.TargetCount;
            if (!fits)
            {
                string expected = truth.IsClassification
                    ? Invariant.F($"one row per class ({truth.ClassCount}){(truth.ClassCount <= 2 ? " or one sigmoid row" : string.Empty)}")
                    : Invariant.F($"one row per target ({truth.TargetCount})");
                throw new ArgumentException(Invariant.F($"Expected outputs with {expected} but got {rows} rows."), paramName);
            }
        }

        Guard.AllFiniteExamples(values, paramName, rows, "output");
    }

    /// <summary>What a metric scores.</summary>
    internal enum MetricTarget
    {
        /// <summary>Class labels.</summary>
        Classification,

        /// <summary>Regression targets.</summary>
        Regression,

        /// <summary>Either (a custom metric).</summary>
        Any,
    }
}
