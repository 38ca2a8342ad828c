using TransferLearning.Samples;

namespace TransferLearning.Tests.Samples;

public class MeanAndDeviationTests
{
    [Fact]
    public void Of_ThreeValues_MeanAndSampleStandardDeviation()
    {
        var stat = MeanAndDeviation.Of([0.8, 0.9, 1.0]);

        stat.Mean.Should().BeApproximately(0.9, 1e-12);
        stat.StandardDeviation.Should().BeApproximately(0.1, 1e-12);
        stat.ToString().Should().Be("0.900 ± 0.100");
    }

    [Fact]
    public void Of_OneValue_DeviationZeroAndPrintedWithoutIt()
    {
        var stat = MeanAndDeviation.Of([0.75]);

        stat.StandardDeviation.Should().Be(0);
        stat.ToString().Should().Be("0.750");
    }

    [Fact]
    public void Of_NoValues_ThrowsSayingSo()
    {
        var act = () => MeanAndDeviation.Of([]);

        act.Should().Throw<ArgumentException>().WithParameterName("values").WithMessage("Expected at least one value but got none.*");
    }
}
