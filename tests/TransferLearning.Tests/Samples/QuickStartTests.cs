namespace TransferLearning.Tests.Samples;

/// <summary>Keeps the README's quick start compiling and doing what it says.</summary>
[Trait("Category", "Slow")]
public class QuickStartTests
{
    [Fact]
    public void Run_DefaultEpochs_LossFallsAndTestAccuracyReachesNinetyFivePercent()
    {
        using var output = new StringWriter();

        var result = QuickStart.Program.Run(output);

        result.LastLoss.Should().BeLessThan(result.FirstLoss / 2);
        result.TestAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        output.ToString().Should().Contain("Dense(2 → 64, ReLU)").And.Contain("Test: loss").And.MatchRegex(@"Point \(0\.5, -0\.25\): class [01], probabilities 0\.\d{3} and 0\.\d{3}");
        File.Exists(Path.Combine(Path.GetTempPath(), "quickstart-spirals.onnx")).Should().BeTrue("the sample exports the network to ONNX");
    }

    [Fact]
    public void RunTransfer_LittleTargetData_ChoosesHeadOnlyAndBeatsFromScratch()
    {
        using var output = new StringWriter();

        var result = QuickStart.Program.RunTransfer(output);

        result.Strategy.Should().Be(TransferLearning.Transfer.TransferStrategy.HeadOnly);
        result.HeadOnlyAccuracy.Should().BeGreaterThan(result.FromScratchAccuracy);
        output.ToString().Should().Contain("Transfer makes sense here.").And.Contain("Decision: HeadOnly").And.Contain("Target test accuracy");
    }
}
