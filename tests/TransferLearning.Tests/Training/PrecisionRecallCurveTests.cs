using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="PrecisionRecallCurve.Compute"/> on a hand-computed case (the numbers equal scikit-learn's: <see cref="ReportFixtureTests"/>).</summary>
public class PrecisionRecallCurveTests
{
    // Scores 0.9 (+), 0.8 (−), 0.6 (+), 0.3 (+), 0.1 (−): three positives, two negatives.
    private static readonly float[] Scores = [0.9f, 0.8f, 0.6f, 0.3f, 0.1f];
    private static readonly int[] Labels = [1, 0, 1, 1, 0];

    [Fact]
    public void Compute_FiveDistinctScores_HasOnePointPerScoreFromTheTop()
    {
        var curve = PrecisionRecallCurve.Compute(Labels, Scores);

        curve.Select(p => p.Threshold).Should().Equal(0.9f, 0.8f, 0.6f, 0.3f, 0.1f);
        curve.Select(p => p.Recall).Should().Equal(1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0, 1.0);
        curve.Select(p => p.Precision).Should().Equal(1.0, 0.5, 2.0 / 3, 0.75, 0.6);
        curve.MaxBy(p => p.F1)!.Threshold.Should().Be(0.3f, "P = 3/4, R = 1, F1 = 6/7 is the best");
    }

    [Fact]
    public void Compute_TiedScores_EnterTogether()
    {
        var curve = PrecisionRecallCurve.Compute([1, 0, 1], [0.5f, 0.5f, 0.2f]);

        curve.Should().HaveCount(2);
        curve[0].Precision.Should().Be(0.5);
        curve[0].Recall.Should().Be(0.5);
    }

    [Fact]
    public void Compute_LabelCountDiffers_ThrowsNamingBothCounts()
    {
        var act = () => PrecisionRecallCurve.Compute([1, 0], [0.5f]);

        act.Should().Throw<ArgumentException>().WithParameterName("scores").WithMessage("Expected one score per label (2) but got 1 scores.*");
    }

    [Fact]
    public void Compute_LabelNotZeroOrOne_ThrowsNamingIt()
    {
        var act = () => PrecisionRecallCurve.Compute([1, 2], [0.5f, 0.4f]);

        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("Expected labels 0 or 1 but label 1 is 2.*");
    }

    [Fact]
    public void Compute_NaNScore_ThrowsNamingIt()
    {
        var act = () => PrecisionRecallCurve.Compute([1, 0], [0.5f, float.NaN]);

        act.Should().Throw<ArgumentException>().WithParameterName("scores").WithMessage("Expected finite scores but score 1 is NaN.*");
    }
}
