using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Serialization;

/// <summary>
/// Loads the files tests/fixtures/pytorch/make_fixtures.py made with PyTorch and compares the predictions with
/// PyTorch's. Tolerances: 1e-6 against PyTorch's float32 forward pass over the weights as stored (every dtype);
/// against the float32 model before it was stored in a narrower type, 1e-6 for F32 and F64, 5e-4 for F16
/// (11-bit significand; 4.5e-5 measured on this fixture) and 5e-3 for BF16 (8-bit significand; 3.7e-4 measured).
/// </summary>
public class PyTorchImportTests
{
    private static readonly string Fixtures = Path.Combine(Repository.Root(), "tests", "fixtures", "pytorch");

    public static TheoryData<string, double> DTypes => new()
    {
        { "f32", 1e-6 },
        { "f64", 1e-6 },
        { "f16", 5e-4 },
        { "bf16", 5e-3 },
    };

    [Theory]
    [MemberData(nameof(DTypes))]
    public void Load_SequentialOfLinearLayers_PredictsWhatPyTorchPredicted(string dtype, double originalTolerance)
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, $"sequential_{dtype}.safetensors"));

        report.IsComplete.Should().BeTrue(report.ToString());
        report.Loaded.Should().HaveCount(6);
        var expected = Expected($"sequential_{dtype}");
        var predicted = network.Predict(Inputs());
        MaxDifference(predicted, expected.GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
        MaxDifference(predicted, expected.GetProperty("original")).Should().BeLessThanOrEqualTo(originalTolerance);
    }

    [Fact]
    public void Load_SequentialWithBatchNormAndDropout_LoadsRunningStatisticsAndPredictsWhatPyTorchPredicted()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(3, Activation.Softmax);

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "batchnorm.safetensors"));

        report.NewlyInitialized.Should().BeEmpty();
        report.Loaded.Should().Contain(["layers.1.running_mean", "layers.1.running_var", "layers.1.weight", "layers.3.weight"]);
        report.Skipped.Should().Equal(new SkippedTensor { Name = "2.num_batches_tracked", Reason = "not mapped to a parameter" });
        ((BatchNormLayer)network.Layers[1]).RunningVariance.Values.ToArray().Should().NotEqual(Enumerable.Repeat(1f, 8), "PyTorch's training moved them");
        MaxDifference(network.Predict(Inputs()), Expected("batchnorm").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_WithANameMap_LoadsAModuleThatIsNotASequential()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.LeakyReLU(0.1f)).Dense(3, Activation.Sigmoid);
        var map = new Dictionary<string, string>
        {
            ["body.0.weight"] = "layers.0.weight",
            ["body.0.bias"] = "layers.0.bias",
            ["head.weight"] = "layers.1.weight",
            ["head.bias"] = "layers.1.bias",
        };

        var report = PyTorchImport.Load(network, Path.Combine(Fixtures, "named.safetensors"), map);

        report.IsComplete.Should().BeTrue();
        MaxDifference(network.Predict(Inputs()), Expected("named").GetProperty("exact")).Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Load_BodyOnly_LoadsTheFirstLayersAndSkipsTheHead()
    {
        var body = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(5, Activation.Tanh);

        var report = PyTorchImport.Load(body, Path.Combine(Fixtures, "sequential_f32.safetensors"));

        report.Loaded.Should().Equal("layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight");
        report.Skipped.Select(s => s.Name).Should().Equal("4.bias", "4.weight");
        report.NewlyInitialized.Should().BeEmpty();
    }

    [Fact]
    public void Load_ArchitectureWithADifferentLayer_ThrowsNamingTheParameterAndLeavesTheNetworkUnchanged()
    {
        var network = Network.Create(6, seed: 1).Dense(8, Activation.ReLU).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);
        var before = Weights.Of(network);
        string path = Path.Combine(Fixtures, "sequential_f32.safetensors");

        var exception = FluentActions.Invoking(() => PyTorchImport.Load(network, path)).Should().ThrowExactly<ModelFormatException>().Which;

        exception.Message.Should().Contain("layers.1.weight").And.Contain("shape [5, 8] in the file, [4, 8] in the network");
        Weights.ShouldBeIdentical(Weights.Of(network), before, "a failed load changes nothing");
    }

    private static Matrix<float> Inputs()
    {
        var rows = Expected(null).GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        return Matrix<float>.Build.Dense(rows[0].Length, rows.Length, (i, j) => rows[j][i]);   // PyTorch rows are our columns
    }

    private static JsonElement Expected(string? name)
    {
        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json"))).RootElement;
        return name is null ? root : root.GetProperty(name);
    }

    private static double MaxDifference(Matrix<float> predicted, JsonElement expectedRows)
    {
        double max = 0;
        int j = 0;
        foreach (var row in expectedRows.EnumerateArray())
        {
            int i = 0;
            foreach (var value in row.EnumerateArray())
            {
                max = Math.Max(max, Math.Abs(predicted[i++, j] - value.GetDouble()));
            }

            i.Should().Be(predicted.RowCount);
            j++;
        }

        j.Should().Be(predicted.ColumnCount);
        return max;
    }
}
