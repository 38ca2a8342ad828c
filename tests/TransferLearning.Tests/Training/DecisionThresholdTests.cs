using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="DecisionThreshold"/>: the threshold that maximises a metric on hand-computed cases, predictions at it, and the errors.</summary>
public class DecisionThresholdTests
{
    // Labels 0, 0, 0, 1, 1; distinct scores from the top: 0.7 (+), 0.6 (−), 0.4 (+), 0.2 (−), 0.1 (−).
    private static readonly int[] Labels = TransferMetricTests.BinaryLabels;
    private static readonly float[] Scores = TransferMetricTests.BinaryScores;

    private static Dataset Truth(int[] labels, int classCount = 2) => TransferMetricTests.Labelled(labels, classCount);

    private static Matrix<float> Row(float[] scores) => TransferMetricTests.Outputs(scores, 1);

    [Fact]
    public void Choose_BalancedAccuracy_TakesTheMidpointOfTheBestGap()
    {
        // Balanced accuracy per rule: never 0.5; s ≥ 0.7: 0.75; ≥ 0.6: 7/12; ≥ 0.4: (1 + 2/3)/2 = 5/6; ≥ 0.2: 2/3; all: 0.5.
        var (threshold, score) = DecisionThreshold.Choose(Row(Scores), Truth(Labels), TransferMetric.BalancedAccuracy);

        score.Should().BeApproximately(5.0 / 6, 1e-12);
        threshold.Should().BeApproximately(0.3, 1e-7, "the midpoint of 0.4 and 0.2");
        ClassificationReport.From(Labels, Scores, 2, threshold: threshold).BalancedAccuracy.Should().BeApproximately(score, 1e-12, "the report at the threshold agrees");
    }

    [Fact]
    public void Choose_F1OfThePositiveClass_MatchesHandComputedBest()
    {
        // F1(1): never 0; ≥ 0.7: 2/3; ≥ 0.6: 1/2; ≥ 0.4: P 2/3, R 1 → 0.8; ≥ 0.2: 2/3; all: 4/7.
        var (threshold, score) = DecisionThreshold.Choose(Row(Scores), Truth(Labels), TransferMetric.F1(1));

        score.Should().BeApproximately(0.8, 1e-12);
        threshold.Should().BeApproximately(0.3, 1e-7);
    }

    [Fact]
    public void Choose_TiedScores_TakesTheThresholdNearestOneHalf()
    {
        // Accuracy: never 3/5; ≥ 0.7: 4/5 (t = 0.65); ≥ 0.6: 3/5; ≥ 0.4: 4/5 (t = 0.3); ≥ 0.2: 3/5; all: 2/5.
        var (threshold, score) = DecisionThreshold.Choose(Row(Scores), Truth(Labels), TransferMetric.Accuracy);

        score.Should().BeApproximately(0.8, 1e-12);
        threshold.Should().BeApproximately(0.65, 1e-7, "0.65 is nearer 0.5 than 0.3");
    }

    [Fact]
    public void Choose_NeverFiringIsBest_ThresholdAboveEveryScore_AndTwoClassSoftmaxReadsRowOne()
    {
        // The positive scores below both negatives: accuracy never firing 2/3 (t = (0.9 + 1)/2), s ≥ 0.9: 1/3, s ≥ 0.8: 0, all: 1/3.
        float[] s = [0.9f, 0.8f, 0.1f];
        var truth = Truth([0, 0, 1]);
        var softmax = Matrix<float>.Build.Dense(2, 3, s.SelectMany(p => new[] { 1 - p, p }).ToArray());

        var (threshold, score) = DecisionThreshold.Choose(softmax, truth, TransferMetric.Accuracy);

        score.Should().BeApproximately(2.0 / 3, 1e-12);
        threshold.Should().BeApproximately(0.95, 1e-7);
        DecisionThreshold.Classify(softmax, threshold).Should().Equal(0, 0, 0);
    }

    [Fact]
    public void Classify_AndPredictClasses_FireAtOrAboveTheThreshold()
    {
        DecisionThreshold.Classify(Row(Scores), 0.3).Should().Equal(0, 1, 0, 1, 1);
        DecisionThreshold.Classify(Row(Scores), 0.4).Should().Equal(new[] { 0, 1, 0, 1, 1 }, "a score equal to the threshold fires");
        DecisionThreshold.Classify(Row(Scores), 0.0).Should().Equal(1, 1, 1, 1, 1);

        var network = Network.Create(3, seed: 5).Dense(4, Activation.Tanh).Dense(1, Activation.Sigmoid);
        var x = Matrix<float>.Build.Dense(3, 20, (i, j) => ((i * 5) + (j * 3)) % 7 / 7f - 0.5f);
        var outputs = network.Predict(x);
        double median = outputs.Row(0).OrderBy(v => v).ElementAt(10);

        network.PredictClasses(x, median).Should().Equal(DecisionThreshold.Classify(outputs, median));
        network.PredictClasses(x, median).Count(c => c == 1).Should().Be(outputs.Row(0).Count(v => v >= median)).And.BeInRange(10, 19);
        network.PredictClasses(x, 0.5).Should().Equal(network.PredictClasses(x), "at 0.5 it decides as the network does");
    }

    [Fact]
    public void Choose_BadArguments_ThrowNamingTheArgument()
    {
        var truth = Truth(Labels);
        var outputs = Row(Scores);

        ((Action)(() => DecisionThreshold.Choose(outputs, truth, TransferMetric.AveragePrecision(1)))).Should().Throw<ArgumentException>().WithParameterName("metric").WithMessage("*AveragePrecision(1)*");
        ((Action)(() => DecisionThreshold.Choose(outputs, truth, TransferMetric.Custom("c", (_, _) => 0)))).Should().Throw<ArgumentException>().WithParameterName("metric");
        ((Action)(() => DecisionThreshold.Choose(outputs, truth, TransferMetric.F1(2)))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("*class 2*2 classes*");
        ((Action)(() => DecisionThreshold.Choose(Matrix<float>.Build.Dense(3, 5, 1f / 3), Truth([0, 1, 2, 0, 1], 3), TransferMetric.Accuracy))).Should().Throw<ArgumentException>().WithParameterName("truth").WithMessage("*binary*3 classes*");
        ((Action)(() => DecisionThreshold.Choose(Matrix<float>.Build.Dense(3, 5, 1f / 3), truth, TransferMetric.Accuracy))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*3 rows*");
        ((Action)(() => DecisionThreshold.Choose(Row([0.1f, 0.6f, 1.2f, 0.7f, 0.4f]), truth, TransferMetric.Accuracy))).Should().Throw<ArgumentException>().WithParameterName("outputs").WithMessage("*example 2*");
        ((Action)(() => DecisionThreshold.Choose(Row([0.1f, 0.6f]), truth, TransferMetric.Accuracy))).Should().Throw<ArgumentException>().WithParameterName("outputs");
        ((Action)(() => DecisionThreshold.Choose(outputs, Dataset.ForRegression(new float[,] { { 1 } }, new float[] { 1 }), TransferMetric.Accuracy))).Should().Throw<ArgumentException>().WithParameterName("truth");
        ((Action)(() => DecisionThreshold.Choose(outputs, truth, null!))).Should().Throw<ArgumentNullException>().WithParameterName("metric");
        ((Action)(() => DecisionThreshold.Classify(outputs, 1.5))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("threshold");
        ((Action)(() => DecisionThreshold.Classify(Matrix<float>.Build.Dense(3, 2), 0.5))).Should().Throw<ArgumentException>().WithParameterName("outputs");
        var threeWay = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        ((Action)(() => threeWay.PredictClasses(Matrix<float>.Build.Dense(2, 1), 0.5))).Should().Throw<ArgumentException>().WithParameterName("network");
    }
}
