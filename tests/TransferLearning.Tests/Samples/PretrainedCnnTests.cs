using TransferLearning.Samples;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>PretrainedCnn's quick run on the full Fashion-MNIST: the ONNX CNN as a body, every column, the advisor, the plot and the numbers.</summary>
[Trait("Category", "Slow")]
public class PretrainedCnnTests
{
    [SkippableFact]
    public void Run_Quick_ComparesTheCnnBodyWithTheDenseBodyAndFromScratch()
    {
        FashionMnistFixture.Require();

        using var run = new SampleRun(PretrainedCnn.Program.Run, "--quick");

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("Body: OnnxBody(cnn.onnx: pixels [1, 28, 28] → conv_features, 784 → 400)")
            .And.Contain("Feature extraction on ONNX Runtime: 5,000 images")
            .And.Contain("CNN policy chose")
            .And.Contain("runs outside this library and cannot train");
        run.PlotIsPng().Should().BeTrue();
        using var json = run.Json();
        var rows = json.RootElement.GetProperty("result").GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("perClass").GetInt32()).Should().Equal(10, 100);
        foreach (var row in rows)
        {
            var arms = row.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("arm").GetString()!, a => a.GetProperty("accuracies")[0].GetDouble());
            arms.Keys.Should().Contain(["FromScratch", "Dense HeadOnly", "CNN HeadOnly (conv 400)", "CNN LastLayers(1)", "CNN policy", "CNN Auto"]);
            arms.Values.Should().OnlyContain(a => a > 0.4, "chance is 0.2 on five classes");
        }

        // The convolutions' features transfer where the dense body's do not (measured 0.866 against 0.690 at 10 per class).
        var ten = rows[0].GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("arm").GetString()!, a => a.GetProperty("accuracies")[0].GetDouble());
        ten["CNN HeadOnly (conv 400)"].Should().BeGreaterThan(ten["Dense HeadOnly"] + 0.05);
    }
}
