using TransferLearning.Deployment;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>A smoke run of WakeWord's quick path on the full Fashion-MNIST.</summary>
[Trait("Category", "Slow")]
public class WakeWordTests
{
    [SkippableFact]
    public void Run_Quick_ReportsPrecisionRecallAndF1AtTheModelsValidationThresholdAndSavesTheChosenDetector()
    {
        FashionMnistFixture.Require();

        string saved = Path.Combine(Path.GetTempPath(), "tl-wakeword-" + Guid.NewGuid().ToString("N") + ".safetensors");
        using var run = new SampleRun(WakeWord.Program.Run, "--quick", "--save", saved);

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("Data: Fashion-MNIST, 60,000 training and 10,000 test images")
            .And.Contain("\"Ankle boot\"").And.Contain("Precision").And.Contain("Recall").And.Contain("F1");
        run.PlotIsPng().Should().BeTrue();
        using var json = run.Json();
        var detectors = json.RootElement.GetProperty("detectors").EnumerateArray().ToList();
        detectors.Select(d => d.GetProperty("strategy").GetString()).Should().Equal("HeadOnly", "FullFineTune", "FromScratch");
        var reasons = json.RootElement.GetProperty("policyReasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        reasons.Should().Contain(r => r.Contains("held-out AveragePrecision(1)", StringComparison.Ordinal), "the sample tells the policy the detector is judged on its ranking of the rare class")
            .And.NotContain(r => r.Contains("R²", StringComparison.Ordinal));
        foreach (var detector in detectors)
        {
            var test = detector.GetProperty("test")[0];
            test.GetProperty("threshold").GetDouble().Should().BeInRange(0, 1);
            test.GetProperty("f1").GetDouble().Should().BeGreaterThan(0.5, "a detector from 25 positives still finds most ankle boots");

            // The numbers are the library's binary report (ClassificationReport.Binary) at the validation threshold.
            int tp = test.GetProperty("truePositives").GetInt32(), fp = test.GetProperty("falsePositives").GetInt32(), fn = test.GetProperty("falseNegatives").GetInt32();
            (tp + fn + fp + test.GetProperty("trueNegatives").GetInt32()).Should().Be(10_000, "every test image is scored");
            test.GetProperty("precision").GetDouble().Should().BeApproximately((double)tp / (tp + fp), 1e-12);
            test.GetProperty("recall").GetDouble().Should().BeApproximately((double)tp / (tp + fn), 1e-12);
            detector.GetProperty("averagePrecision")[0].GetDouble().Should().Be(test.GetProperty("averagePrecision").GetDouble());
            test.GetProperty("rocAuc").GetDouble().Should().BeInRange(0.5, 1);
            detector.GetProperty("validationF1")[0].GetDouble().Should().BeInRange(0, 1);
        }

        // --save writes the detector chosen on validation data as a deployable model that decides at its threshold.
        try
        {
            var chosen = json.RootElement.GetProperty("chosen");
            var model = Model.Load(saved);
            model.ClassNames.Should().Equal("not Ankle boot", "Ankle boot");
            model.DecisionThreshold.Should().Be(chosen.GetProperty("threshold").GetDouble());
            var detector = detectors.Single(d => d.GetProperty("strategy").GetString() == chosen.GetProperty("strategy").GetString());
            detector.GetProperty("test")[chosen.GetProperty("seed").GetInt32()].GetProperty("threshold").GetDouble().Should().Be(model.DecisionThreshold);
            chosen.GetProperty("validationF1").GetDouble().Should().Be(detectors.Max(d => d.GetProperty("validationF1")[0].GetDouble()));
            model.Provenance!.Decision!.Strategy.ToString().Should().Be(chosen.GetProperty("strategy").GetString());
        }
        finally
        {
            File.Delete(saved);
        }
    }
}
