using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="TransferMetric"/>: every built-in metric on hand-computed cases, the default per target, equality and the errors.</summary>
public class TransferMetricTests
{
    // Binary, one sigmoid row: labels 0, 0, 0, 1, 1 and s = P(class 1); at s ≥ 0.5 the predictions are 0, 1, 0, 1, 0:
    // TP 1 (example 3), FP 1 (example 1), FN 1 (example 4), TN 2.
    internal static readonly int[] BinaryLabels = [0, 0, 0, 1, 1];
    internal static readonly float[] BinaryScores = [0.1f, 0.6f, 0.2f, 0.7f, 0.4f];

    // Three classes, one softmax column per example.
    private static readonly int[] ThreeLabels = [2, 0, 2, 1];
    private static readonly float[] ThreeProbabilities =
    [
        0.3f, 0.2f, 0.5f,   // 2 → 2
        0.2f, 0.2f, 0.6f,   // 0 → 2
        0.4f, 0.4f, 0.2f,   // 2 → 0 (the first of equal probabilities)
        0.1f, 0.8f, 0.1f,   // 1 → 1
    ];

    /// <summary>Labels without features (a metric reads only the labels).</summary>
    internal static Dataset Labelled(int[] labels, int classCount) =>
        Dataset.ForClassification(Matrix<float>.Build.Dense(1, labels.Length), labels, classCount);

    internal static Matrix<float> Outputs(float[] values, int rows) => Matrix<float>.Build.Dense(rows, values.Length / rows, values);

    [Fact]
    public void Score_BinarySigmoid_MatchesHandComputedValues()
    {
        var truth = Labelled(BinaryLabels, 2);
        var outputs = Outputs(BinaryScores, 1);

        TransferMetric.Accuracy.Score(outputs, truth).Should().BeApproximately(3.0 / 5, 1e-12);
        TransferMetric.BalancedAccuracy.Score(outputs, truth).Should().BeApproximately(((2.0 / 3) + (1.0 / 2)) / 2, 1e-12, "recall 2/3 of class 0, 1/2 of class 1");
        TransferMetric.F1(1).Score(outputs, truth).Should().BeApproximately(0.5, 1e-12, "P = R = 1/2");
        TransferMetric.F1(0).Score(outputs, truth).Should().BeApproximately(2.0 / 3, 1e-12, "P = TN/(TN+FN) = 2/3, R = 2/3");

        // Ranked by s: 0.7 (+), 0.6 (−), 0.4 (+), 0.2 (−), 0.1 (−): AP = ½·1 + ½·⅔.
        TransferMetric.AveragePrecision(1).Score(outputs, truth).Should().BeApproximately(5.0 / 6, 1e-12);

        // Class 0 ranked by 1 − s: 0.9 (+), 0.8 (+), 0.6 (−), 0.4 (+), 0.3 (−): AP = ⅓ + ⅓ + ⅓·¾.
        TransferMetric.AveragePrecision(0).Score(outputs, truth).Should().BeApproximately(11.0 / 12, 1e-6);
    }

    [Fact]
    public void Score_TwoClassSoftmax_EqualsTheSigmoidWithTheSameProbabilities()
    {
        var truth = Labelled(BinaryLabels, 2);
        var softmax = Outputs(BinaryScores.SelectMany(s => new[] { 1 - s, s }).ToArray(), 2);

        TransferMetric.BalancedAccuracy.Score(softmax, truth).Should().BeApproximately(7.0 / 12, 1e-12);
        TransferMetric.F1(1).Score(softmax, truth).Should().BeApproximately(0.5, 1e-12);
        TransferMetric.AveragePrecision(1).Score(softmax, truth).Should().BeApproximately(5.0 / 6, 1e-12);
    }

    [Fact]
    public void Score_ThreeClassSoftmax_MatchesHandComputedValues()
    {
        var truth = Labelled(ThreeLabels, 3);
        var outputs = Outputs(ThreeProbabilities, 3);

        // Predicted 2, 2, 0, 1: correct examples 0 and 3.
        TransferMetric.Accuracy.Score(outputs, truth).Should().BeApproximately(0.5, 1e-12);
        TransferMetric.BalancedAccuracy.Score(outputs, truth).Should().BeApproximately((0 + 1 + 0.5) / 3, 1e-12, "recalls 0, 1, 1/2");
        TransferMetric.F1(2).Score(outputs, truth).Should().BeApproximately(0.5, 1e-12, "P = 1/2, R = 1/2");
        TransferMetric.F1(0).Score(outputs, truth).Should().Be(0, "class 0 is never predicted right");

        // Class 2 ranked by P(2): 0.6 (−), 0.5 (+), 0.2 (+), 0.1 (−): AP = ½·½ + ½·⅔.
        TransferMetric.AveragePrecision(2).Score(outputs, truth).Should().BeApproximately(7.0 / 12, 1e-12);
    }

    [Fact]
    public void Score_AveragePrecisionOfAClassWithoutExamples_IsNaN()
    {
        var truth = Labelled([0, 0, 1], 3);

        TransferMetric.AveragePrecision(2).Score(Outputs([0.5f, 0.3f, 0.2f, 0.6f, 0.2f, 0.2f, 0.1f, 0.8f, 0.1f], 3), truth).Should().Be(double.NaN);
    }

    [Fact]
    public void Score_RSquared_MatchesHandComputedValuesAveragedOverTargets()
    {
        // Target 0: y = 1, 2, 3, 4, ŷ = 1.5, 2, 2.5, 4: SS_res = 0.5, SS_tot = 5, R² = 0.9.
        // Target 1: y = 0, 0, 2, 2, ŷ = 0, 1, 2, 2: SS_res = 1, SS_tot = 4, R² = 0.75.
        var features = Matrix<float>.Build.Dense(1, 4);
        var targets = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3, 4 }, { 0, 0, 2, 2 } });
        var truth = Dataset.ForRegression(features, targets);
        var outputs = Matrix<float>.Build.DenseOfArray(new float[,] { { 1.5f, 2, 2.5f, 4 }, { 0, 1, 2, 2 } });

        TransferMetric.RSquared.Score(outputs, truth).Should().BeApproximately((0.9 + 0.75) / 2, 1e-12);
    }

    [Fact]
    public void Custom_ReceivesTheOutputsAndTheData_AndIsScoredAsGiven()
    {
        var truth = Labelled(BinaryLabels, 2);
        var outputs = Outputs(BinaryScores, 1);
        var metric = TransferMetric.Custom("MeanScoreOfPositives", (a, data) => data.Labels.Select((y, j) => (y, j)).Where(p => p.y == 1).Average(p => a[0, p.j]));

        metric.Name.Should().Be("MeanScoreOfPositives");
        metric.ToString().Should().Be("MeanScoreOfPositives");
        metric.Score(outputs, truth).Should().BeApproximately((0.7 + 0.4) / 2, 1e-6);
        metric.AppliesTo(truth).Should().BeTrue();
        metric.AppliesTo(Dataset.ForRegression(new float[,] { { 1 } }, new float[] { 2 })).Should().BeTrue("a custom metric takes either kind of data");
    }

    [Fact]
    public void Names_AndApplicability_ReadAsTheFactories()
    {
        var labels = Labelled(BinaryLabels, 2);
        var values = Dataset.ForRegression(new float[,] { { 1 }, { 2 } }, new float[] { 2, 3 });

        new[] { TransferMetric.Accuracy, TransferMetric.BalancedAccuracy, TransferMetric.F1(1), TransferMetric.AveragePrecision(0), TransferMetric.RSquared }
            .Select(m => m.Name).Should().Equal("Accuracy", "BalancedAccuracy", "F1(1)", "AveragePrecision(0)", "RSquared");
        TransferMetric.F1(1).AppliesTo(labels).Should().BeTrue();
        TransferMetric.F1(1).AppliesTo(values).Should().BeFalse();
        TransferMetric.RSquared.AppliesTo(labels).Should().BeFalse();
        TransferMetric.RSquared.AppliesTo(values).Should().BeTrue();
    }

    [Fact]
    public void Equality_BuiltInsCompareByKindAndClass_SoOptionsRecordsStayEqual()
    {
        TransferMetric.F1(1).Should().Be(TransferMetric.F1(1));
        TransferMetric.F1(1).GetHashCode().Should().Be(TransferMetric.F1(1).GetHashCode());
        TransferMetric.F1(1).Should().NotBe(TransferMetric.F1(0));
        TransferMetric.F1(1).Should().NotBe(TransferMetric.AveragePrecision(1));
        TransferMetric.AveragePrecision(1).Should().Be(TransferMetric.AveragePrecision(1));
        Func<Matrix<float>, Dataset, double> f = (_, _) => 1;
        TransferMetric.Custom("f", f).Should().Be(TransferMetric.Custom("f", f));
        TransferMetric.Custom("f", f).Should().NotBe(TransferMetric.Custom("g", f));
        new TransferOptions { Metric = TransferMetric.F1(1) }.Should().Be(new TransferOptions { Metric = TransferMetric.F1(1) });
        new TransferOptions().Metric.Should().BeNull("null is DefaultFor(target)");
    }

    [Fact]
    public void DefaultFor_OneInTwentyOne_PicksBalancedAccuracy()
    {
        var detector = Labelled([.. Enumerable.Repeat(0, 200), .. Enumerable.Repeat(1, 10)], 2);

        TransferMetric.DefaultFor(detector).Should().BeSameAs(TransferMetric.BalancedAccuracy);
    }

    [Fact]
    public void DefaultFor_BalancedOrManyEqualClassesOrRegression_PicksAccuracyOrRSquared()
    {
        int[] Classes(params int[] counts) => counts.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();

        TransferMetric.DefaultFor(Labelled(Classes(50, 50), 2)).Should().BeSameAs(TransferMetric.Accuracy);
        TransferMetric.DefaultFor(Labelled(Classes(Enumerable.Repeat(5, 20).ToArray()), 20)).Should().BeSameAs(TransferMetric.Accuracy, "twenty classes of 5 % each are balanced");
        TransferMetric.DefaultFor(Labelled(Classes(90, 10), 2)).Should().BeSameAs(TransferMetric.Accuracy, "10 % is not under 10 %");
        TransferMetric.DefaultFor(Labelled(Classes(91, 9), 2)).Should().BeSameAs(TransferMetric.BalancedAccuracy, "9 % is");
        TransferMetric.DefaultFor(Labelled(Classes(50, 50, 0), 3)).Should().BeSameAs(TransferMetric.Accuracy, "a class without examples is not rare");
        TransferMetric.DefaultFor(Labelled(Classes(Enumerable.Repeat(6, 19).Append(2).ToArray()), 20)).Should().BeSameAs(TransferMetric.BalancedAccuracy, "2 of 116 is under 10 % and under half of a balanced share (2.9)");
        TransferMetric.DefaultFor(Dataset.ForRegression(new float[,] { { 1 }, { 2 } }, new float[] { 2, 3 })).Should().BeSameAs(TransferMetric.RSquared);
    }

    [Fact]
    public void Factories_BadArguments_ThrowNamingTheArgument()
    {
        ((Action)(() => TransferMetric.F1(-1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("positiveClass");
        ((Action)(() => TransferMetric.AveragePrecision(-2))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("positiveClass");
        ((Action)(() => TransferMetric.Custom(" ", (_, _) => 0))).Should().Throw<ArgumentException>().WithParameterName("name");
        ((Action)(() => TransferMetric.Custom(null!, (_, _) => 0))).Should().Throw<ArgumentNullException>().WithParameterName("name");
        ((Action)(() => TransferMetric.Custom("x", null!))).Should().Throw<ArgumentNullException>().WithParameterName("score");
        ((Action)(() => TransferMetric.DefaultFor(null!))).Should().Throw<ArgumentNullException>().WithParameterName("target");
    }

    [Fact]
    public void Score_BadArguments_ThrowNamingTheArgumentTheExpectedAndTheActual()
    {
        var truth = Labelled(BinaryLabels, 2);
        var outputs = Outputs(BinaryScores, 1);
        var regression = Dataset.ForRegression(new float[,] { { 1 }, { 2 } }, new float[] { 2, 3 });

        ((Action)(() => TransferMetric.F1(2).Score(outputs, truth))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("*class 2*2 classes*");
        ((Action)(() => TransferMetric.AveragePrecision(5).Score(outputs, truth))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("*class 5*2 classes*");
        ((Action)(() => TransferMetric.Accuracy.Score(Outputs([2, 3], 1), regression))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("Expected class labels*Accuracy*regression targets*");
        ((Action)(() => TransferMetric.RSquared.Score(outputs, truth))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("Expected regression targets*class labels*");
        ((Action)(() => TransferMetric.Accuracy.Score(Outputs([0.1f, 0.2f], 1), truth))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*one column per example (5)*2 columns*");
        ((Action)(() => TransferMetric.Accuracy.Score(Outputs([0.5f, 0.5f, 0.2f, 0.8f, 0.3f, 0.7f, 0.9f, 0.1f], 2), Labelled(ThreeLabels, 3)))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*one row per class (3)*2 rows*");
        ((Action)(() => TransferMetric.Accuracy.Score(Outputs(ThreeProbabilities, 1), Labelled([.. ThreeLabels, .. ThreeLabels, .. ThreeLabels], 3)))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*one row per class (3)*1 rows*");
        ((Action)(() => TransferMetric.RSquared.Score(Outputs([1, 2, 3, 4], 2), regression))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*one row per target (1)*2 rows*");
        ((Action)(() => TransferMetric.BalancedAccuracy.Score(Outputs([0.1f, float.NaN, 0.2f, 0.7f, 0.4f], 1), truth))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*NaN*example 1*");
        ((Action)(() => TransferMetric.BalancedAccuracy.Score(Outputs([0.1f, 0.6f, 1.5f, 0.7f, 0.4f], 1), truth))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*[0, 1]*example 2*1.5*");
        ((Action)(() => TransferMetric.Accuracy.Score(null!, truth))).Should().Throw<ArgumentNullException>().WithParameterName("outputs");
        ((Action)(() => TransferMetric.Accuracy.Score(outputs, null!))).Should().Throw<ArgumentNullException>().WithParameterName("truth");
    }
}
