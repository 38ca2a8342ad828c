using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="RegressionReport.From"/> on hand-computed cases, the conventions for undefined R², the table and the errors.</summary>
public class RegressionReportTests
{
    [Fact]
    public void From_OneTarget_MatchesHandComputedNumbers()
    {
        // y = 1, 2, 3, 4 (mean 2.5, SS_tot = 5), ŷ = 1, 2, 3, 6 (errors 0, 0, 0, −2).
        var report = RegressionReport.From([1, 2, 3, 4], [1, 2, 3, 6], 1);

        report.R2.Should().BeApproximately(1 - (4.0 / 5), 1e-12);
        report.MeanAbsoluteError.Should().BeApproximately(0.5, 1e-12);
        report.RootMeanSquaredError.Should().BeApproximately(1, 1e-12);
        report.Count.Should().Be(4);
        report.TargetCount.Should().Be(1);
    }

    [Fact]
    public void From_TwoTargets_AveragesThePerTargetNumbersUniformly()
    {
        // Example after example: (y₀, y₁) = (0, 10), (2, 30); predictions (0, 14), (2, 30).
        var report = RegressionReport.From([0, 10, 2, 30], [0, 14, 2, 30], 2);

        report.R2PerTarget.Should().Equal(1.0, 1 - (16.0 / 200));
        report.MeanAbsoluteErrorPerTarget.Should().Equal(0.0, 2.0);
        report.RootMeanSquaredErrorPerTarget[1].Should().BeApproximately(Math.Sqrt(8), 1e-12);
        report.R2.Should().BeApproximately((1 + 0.92) / 2, 1e-12);
        report.RootMeanSquaredError.Should().BeApproximately(Math.Sqrt(8) / 2, 1e-12, "the mean of the per-target RMSEs, not the RMSE of all values");
    }

    [Fact]
    public void From_ConstantTarget_R2IsOneWhenExactAndZeroOtherwise()
    {
        RegressionReport.From([3, 3, 3], [3, 3, 3], 1).R2.Should().Be(1);
        RegressionReport.From([3, 3, 3], [3, 3, 4], 1).R2.Should().Be(0);
    }

    [Fact]
    public void From_OneExample_R2IsNaN()
    {
        var report = RegressionReport.From([3], [2], 1);

        report.R2.Should().Be(double.NaN);
        report.MeanAbsoluteError.Should().Be(1);
    }

    [Fact]
    public void ToString_TwoTargets_ListsEachTargetAndTheMean()
    {
        string[] lines = RegressionReport.From([0, 10, 2, 30], [0, 14, 2, 30], 2).ToString().Split(Environment.NewLine);

        lines.Should().Equal(
            "  target          R²         MAE        RMSE",
            "       0      1.0000      0.0000      0.0000",
            "       1      0.9200      2.0000      2.8284",
            "    mean      0.9600      1.0000      1.4142",
            "2 examples");
    }

    [Fact]
    public void From_PredictionsOfTheWrongLength_ThrowsNamingBothCounts()
    {
        var act = () => RegressionReport.From([1, 2, 3, 4], [1, 2, 3], 2);

        act.Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("Expected one prediction per target value (4) but got 3.*");
    }

    [Fact]
    public void From_TargetsNotAWholeNumberOfExamples_Throws()
    {
        var act = () => RegressionReport.From([1, 2, 3], [1, 2, 3], 2);

        act.Should().Throw<ArgumentException>().WithParameterName("targets").WithMessage("*examples of 2 targets but got 3 values*");
    }

    [Fact]
    public void From_NaNPrediction_ThrowsNamingExampleAndTarget()
    {
        var act = () => RegressionReport.From([1, 2, 3, 4], [1, 2, 3, float.NaN], 2);

        act.Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("*NaN at example 1, target 1*");
    }

    [Fact]
    public void From_NoTargetsPerExample_ThrowsOutOfRange()
    {
        var act = () => RegressionReport.From([1], [1], 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("targetCount");
    }
}
