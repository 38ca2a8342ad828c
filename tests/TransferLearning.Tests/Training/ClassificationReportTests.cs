using System.Globalization;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="ClassificationReport.From"/> on hand-computed cases: the decision rule, the undefined ratios, the table, the errors.</summary>
public class ClassificationReportTests
{
    // Three classes, six examples; predicted (arg-max): 0, 0, 1, 1, 1, 0.
    private static readonly int[] Labels = [0, 0, 1, 1, 2, 2];

    private static readonly float[] Probabilities =
    [
        0.7f, 0.2f, 0.1f,
        0.6f, 0.3f, 0.1f,
        0.2f, 0.7f, 0.1f,
        0.1f, 0.8f, 0.1f,
        0.2f, 0.5f, 0.3f,
        0.5f, 0.1f, 0.4f,
    ];

    [Fact]
    public void From_ThreeClassesOneNeverPredicted_MatchesHandComputedNumbers()
    {
        var report = ClassificationReport.From(Labels, Probabilities, 3);

        // C = [[2, 0, 0], [0, 2, 0], [1, 1, 0]]: class 2 is never predicted.
        report.ConfusionMatrix.Select(row => row.ToArray()).Should().BeEquivalentTo(new[] { new[] { 2, 0, 0 }, [0, 2, 0], [1, 1, 0] }, o => o.WithStrictOrdering());
        report.Accuracy.Should().BeApproximately(4.0 / 6, 1e-12);
        report.Classes.Select(c => c.Precision).Should().Equal(2.0 / 3, 2.0 / 3, 0.0);   // zero_division=0 for class 2
        report.Classes.Select(c => c.Recall).Should().Equal(1.0, 1.0, 0.0);
        report.Classes.Select(c => c.Support).Should().Equal(2, 2, 2);
        report.Classes[0].F1.Should().BeApproximately(0.8, 1e-12);
        report.Classes[2].F1.Should().Be(0);
        report.MacroF1.Should().BeApproximately(1.6 / 3, 1e-12);
        report.WeightedF1.Should().BeApproximately(1.6 / 3, 1e-12, "equal supports");
        report.BalancedAccuracy.Should().BeApproximately(2.0 / 3, 1e-12);
        report.LogLoss.Should().BeApproximately(-(Math.Log(0.7) + Math.Log(0.6) + Math.Log(0.7) + Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.4)) / 6, 1e-6);
        report.ClassNames.Should().Equal("0", "1", "2");
        report.Binary.Should().BeNull();
    }

    [Fact]
    public void From_ClassWithNoExamples_HasRecallZeroAndIsLeftOutOfBalancedAccuracyOnly()
    {
        // Class 2 has no examples but is predicted once.
        var report = ClassificationReport.From([0, 1, 1], [0.9f, 0.1f, 0f, 0.1f, 0.9f, 0f, 0f, 0.4f, 0.6f], 3);

        report.Classes[2].Should().Be(new ClassMetrics { Class = 2, Name = "2", Precision = 0, Recall = 0, F1 = 0, Support = 0 });
        report.BalancedAccuracy.Should().BeApproximately((1 + 0.5) / 2, 1e-12, "mean recall of the classes that have examples");
        report.MacroRecall.Should().BeApproximately((1 + 0.5 + 0) / 3, 1e-12, "the macro average counts every class (labels=range(k))");
    }

    [Fact]
    public void From_TrueClassProbabilityZero_ClipsToFloatEpsilonAsScikitLearn()
    {
        var report = ClassificationReport.From([0], [0f, 1f], 2);

        // q = (ε, 1 − ε), ε = 2⁻²³: −log ε = 23·ln 2.
        report.LogLoss.Should().BeApproximately(23 * Math.Log(2), 1e-9);
    }

    [Fact]
    public void From_OneSigmoidOutput_IsTwoClassesScoredByTheOutput()
    {
        float[] scores = [0.9f, 0.8f, 0.6f, 0.3f, 0.1f];
        int[] labels = [1, 0, 1, 1, 0];

        var report = ClassificationReport.From(labels, scores, 2);

        var binary = report.Binary!;
        (binary.TruePositives, binary.FalsePositives, binary.FalseNegatives, binary.TrueNegatives).Should().Be((2, 1, 1, 1));
        binary.Precision.Should().BeApproximately(2.0 / 3, 1e-12);
        binary.Recall.Should().BeApproximately(2.0 / 3, 1e-12);
        binary.F1.Should().BeApproximately(2.0 / 3, 1e-12);
        binary.Precision.Should().Be(report.Classes[1].Precision, "the binary part is the positive class's row");

        // AP: recall steps of 1/3 at precision 1 (0.9), 2/3 (0.6) and 3/4 (0.3).
        binary.AveragePrecision.Should().BeApproximately((1 + (2.0 / 3) + 0.75) / 3, 1e-12);

        // AUC: of the 3 × 2 positive–negative pairs, the positive scores higher in 4 (0.9 > 0.8 and 0.1; 0.6 and 0.3 > 0.1).
        binary.RocAuc.Should().BeApproximately(4.0 / 6, 1e-12);
    }

    [Fact]
    public void From_TiedPositiveAndNegative_CountsHalfInTheRocAuc()
    {
        var report = ClassificationReport.From([1, 0], [0.5f, 0.5f], 2);

        report.Binary!.RocAuc.Should().Be(0.5);
        report.Binary.AveragePrecision.Should().Be(0.5, "the tie enters at once: recall 1 at precision 1/2");
    }

    [Fact]
    public void From_ThresholdChosen_DecidesEveryPartOfTheReport()
    {
        float[] scores = [0.9f, 0.8f, 0.6f, 0.3f, 0.1f];
        int[] labels = [1, 0, 1, 1, 0];

        var report = ClassificationReport.From(labels, scores, 2, threshold: 0.3);

        report.Binary!.Threshold.Should().Be(0.3);
        report.Binary.Recall.Should().Be(1);
        report.Binary.Precision.Should().Be(0.75);
        report.ConfusionMatrix[1].Should().Equal(0, 3);
        report.Accuracy.Should().Be(0.8);
    }

    [Fact]
    public void From_ScoreExactlyHalf_IsPredictedPositiveAsPredictClass()
    {
        var report = ClassificationReport.From([0], [0.5f, 0.5f], 2);

        report.ConfusionMatrix[0].Should().Equal(0, 1);
    }

    [Fact]
    public void From_OnlyOneClassPresent_RocAucIsNaNAndAveragePrecisionNaNWithoutPositives()
    {
        var negatives = ClassificationReport.From([0, 0], [0.2f, 0.7f], 2);
        var positives = ClassificationReport.From([1, 1], [0.2f, 0.7f], 2);

        negatives.Binary!.RocAuc.Should().Be(double.NaN);
        negatives.Binary.AveragePrecision.Should().Be(double.NaN);
        negatives.Binary.Precision.Should().Be(0, "zero_division=0: the one positive prediction is wrong");
        negatives.Binary.Recall.Should().Be(0, "zero_division=0: no positives");
        positives.Binary!.RocAuc.Should().Be(double.NaN);
        positives.Binary.AveragePrecision.Should().Be(1);
    }

    [Fact]
    public void From_NothingPredictedPositive_PrecisionIsZero()
    {
        var report = ClassificationReport.From([1, 0], [0.2f, 0.1f], 2);

        report.Binary!.Precision.Should().Be(0);
        report.Binary.F1.Should().Be(0);
    }

    [Fact]
    public void ToString_ThreeClasses_IsTheScikitLearnTablePlusTheConfusionMatrix()
    {
        var report = ClassificationReport.From(Labels, Probabilities, 3, ["cat", "dog", "bird"]);

        string[] lines = report.ToString().Split(Environment.NewLine);

        lines.Should().Equal(
            "             precision    recall  f1-score   support",
            string.Empty,
            "         cat    0.6667    1.0000    0.8000         2",
            "         dog    0.6667    1.0000    0.8000         2",
            "        bird    0.0000    0.0000    0.0000         2",
            string.Empty,
            "    accuracy                        0.6667         6",
            "   macro avg    0.4444    0.6667    0.5333         6",
            "weighted avg    0.4444    0.6667    0.5333         6",
            string.Empty,
            "balanced accuracy 0.6667, log loss 0.5946",
            string.Empty,
            "confusion matrix (rows: true class, columns: predicted class)",
            "        0  1  2",
            "0 cat   2  0  0",
            "1 dog   0  2  0",
            "2 bird  1  1  0");
    }

    [Fact]
    public void ToString_TwoClasses_AddsTheBinaryLines()
    {
        var text = ClassificationReport.From([1, 0, 1, 1, 0], [0.9f, 0.8f, 0.6f, 0.3f, 0.1f], 2, ["other", "wake"]).ToString();

        text.Should().Contain("positive class \"wake\" at P ≥ 0.5: precision 0.6667, recall 0.6667, F1 0.6667 (TP 2, FP 1, FN 1, TN 1)");
        text.Should().Contain("ROC AUC 0.6667, average precision 0.8056");
    }

    [Fact]
    public void ToString_UnderGermanCulture_UsesInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            string text = ClassificationReport.From(Labels, Probabilities, 3).ToString();

            text.Should().Contain("0.6667").And.NotContain("0,6667");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void From_ProbabilitiesOfTheWrongLength_ThrowsNamingBothCounts()
    {
        var act = () => ClassificationReport.From(Labels, Probabilities.AsSpan(1).ToArray(), 3);

        act.Should().Throw<ArgumentException>().WithParameterName("probabilities").WithMessage("Expected 18 probabilities (6 examples × 3 classes*but got 17.*");
    }

    [Fact]
    public void From_LabelOutOfRange_ThrowsNamingTheExample()
    {
        var act = () => ClassificationReport.From([0, 3], new float[6], 3);

        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("Expected labels in [0, 3) but label 1 is 3.*");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    public void From_ProbabilityOutsideZeroOne_ThrowsNamingExampleAndClass(float bad)
    {
        float[] probabilities = [0.5f, 0.5f, 0.3f, bad];

        var act = () => ClassificationReport.From([0, 1], probabilities, 2);

        act.Should().Throw<ArgumentException>().WithParameterName("probabilities").WithMessage("Expected probabilities in [0, 1] but example 1's probability of class 1 is *");
    }

    [Fact]
    public void From_NoExamples_Throws()
    {
        var act = () => ClassificationReport.From([], [], 2);

        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("*0 labels*");
    }

    [Fact]
    public void From_OneClass_ThrowsOutOfRange()
    {
        var act = () => ClassificationReport.From([0], [1f], 1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("classCount");
    }

    [Fact]
    public void From_MoreClassesThanAConfusionMatrixHolds_ThrowsOutOfRange()
    {
        var act = () => ClassificationReport.From([0], new float[46_341], 46_341);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("classCount").WithMessage("Expected at most 46,340 classes*but got 46,341.*");
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void From_ThresholdOutsideZeroOne_ThrowsOutOfRange(double threshold)
    {
        var act = () => ClassificationReport.From([0], [0.5f], 2, threshold: threshold);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("threshold").WithMessage("Expected a threshold in [0, 1]*");
    }

    [Fact]
    public void From_WrongNumberOfClassNames_ThrowsNamingBothCounts()
    {
        var act = () => ClassificationReport.From(Labels, Probabilities, 3, ["cat", "dog"]);

        act.Should().Throw<ArgumentException>().WithParameterName("classNames").WithMessage("Expected 3 class names (one per class) but got 2.*");
    }
}
