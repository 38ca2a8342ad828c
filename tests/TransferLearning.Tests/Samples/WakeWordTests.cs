using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>A smoke run of WakeWord's quick path on the full Fashion-MNIST.</summary>
[Trait("Category", "Slow")]
public class WakeWordTests
{
    [SkippableFact]
    public void Run_Quick_ReportsPrecisionRecallAndF1AtAValidationThresholdAndDrawsTheCurve()
    {
        FashionMnistFixture.Require();

        using var run = new SampleRun(WakeWord.Program.Run, "--quick");

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("Data: Fashion-MNIST, 60,000 training and 10,000 test images")
            .And.Contain("\"Ankle boot\"").And.Contain("Precision").And.Contain("Recall").And.Contain("F1");
        run.PlotIsPng().Should().BeTrue();
        using var json = run.Json();
        var detectors = json.RootElement.GetProperty("detectors").EnumerateArray().ToList();
        detectors.Select(d => d.GetProperty("strategy").GetString()).Should().Equal("HeadOnly", "FullFineTune", "FromScratch");
        foreach (var detector in detectors)
        {
            var test = detector.GetProperty("test")[0];
            test.GetProperty("threshold").GetDouble().Should().BeInRange(0, 1);
            test.GetProperty("f1").GetDouble().Should().BeGreaterThan(0.5, "a detector from 25 positives still finds most ankle boots");
        }
    }
}
