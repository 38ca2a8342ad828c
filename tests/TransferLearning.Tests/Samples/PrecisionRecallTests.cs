using WakeWord;

namespace TransferLearning.Tests.Samples;

/// <summary>WakeWord's metrics on hand-computed cases.</summary>
public class PrecisionRecallTests
{
    // Scores 0.9 (+), 0.8 (−), 0.6 (+), 0.3 (+), 0.1 (−): three positives, two negatives.
    private static readonly float[] Scores = [0.9f, 0.8f, 0.6f, 0.3f, 0.1f];
    private static readonly bool[] Positive = [true, false, true, true, false];

    [Fact]
    public void At_ThresholdHalf_CountsTwoTruePositivesOneFalsePositiveOneMiss()
    {
        var score = PrecisionRecall.At(Scores, Positive, 0.5);

        score.Precision.Should().BeApproximately(2.0 / 3, 1e-12);
        score.Recall.Should().BeApproximately(2.0 / 3, 1e-12);
        score.F1.Should().BeApproximately(2.0 / 3, 1e-12);
    }

    [Fact]
    public void Curve_FiveDistinctScores_HasOnePointPerScoreFromTheTop()
    {
        var curve = PrecisionRecall.Curve(Scores, Positive);

        curve.Select(p => p.Threshold).Should().Equal(0.9f, 0.8f, 0.6f, 0.3f, 0.1f);
        curve.Select(p => p.Recall).Should().Equal(1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0, 1.0);
        curve.Select(p => p.Precision).Should().Equal(1.0, 0.5, 2.0 / 3, 0.75, 0.6);
    }

    [Fact]
    public void BestF1_FiveScores_ChoosesTheThresholdThatCatchesEveryPositive()
    {
        // At 0.3: P = 3/4, R = 1, F1 = 6/7 — higher than at any other threshold.
        PrecisionRecall.BestF1(Scores, Positive).Threshold.Should().Be(0.3f);
    }

    [Fact]
    public void AveragePrecision_FiveScores_IsTheAreaUnderTheStepCurve()
    {
        // Recall steps of 1/3 at precision 1, 2/3 and 3/4.
        PrecisionRecall.AveragePrecision(PrecisionRecall.Curve(Scores, Positive)).Should().BeApproximately((1 + (2.0 / 3) + 0.75) / 3, 1e-12);
    }

    [Fact]
    public void At_TiedScores_FireTogether()
    {
        var curve = PrecisionRecall.Curve([0.5f, 0.5f, 0.2f], [true, false, true]);

        curve.Should().HaveCount(2);
        curve[0].Precision.Should().Be(0.5);
    }

    [Fact]
    public void At_LabelCountDiffers_ThrowsNamingBothCounts()
    {
        var act = () => PrecisionRecall.At([0.5f], [true, false], 0.5);

        act.Should().Throw<ArgumentException>().WithParameterName("positive").WithMessage("*1 scores and 2 labels*");
    }
}
