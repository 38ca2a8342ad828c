namespace TransferLearning.Tests.Samples;

/// <summary>Keeps the README's quick start compiling and doing what it says.</summary>
public class QuickStartTests
{
    [Fact]
    public void Run_DefaultEpochs_LossFallsAndTestAccuracyReachesNinetyFivePercent()
    {
        using var output = new StringWriter();

        var result = QuickStart.Program.Run(output);

        result.LastLoss.Should().BeLessThan(result.FirstLoss / 2);
        result.TestAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        output.ToString().Should().Contain("Dense(2 → 64, ReLU)").And.Contain("Test: loss");
    }
}
