using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Tests.Deployment;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Onnx;

/// <summary>A deployable model's ONNX export takes raw rows: ONNX Runtime gives what <c>Model.Predict</c> gives.</summary>
public class ModelOnnxExportTests
{
    [Fact]
    public void ExportOnnx_ModelWithStandardisation_OnnxRuntimeOnRawRowsMatchesPredictWithin1e5()
    {
        var (raw, standardizer, network) = ModelTests.TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");

        model.ExportOnnx(path);

        var rows = raw.FeatureValues.ToArray();
        var actual = Run(File.ReadAllBytes(path), rows, raw.Count, raw.FeatureCount);
        var expected = model.Predict(ModelTests.RowsOf(raw)).SelectMany(p => p.Probabilities).ToArray();
        actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max().Should().BeLessThanOrEqualTo(1e-5f);
        float unstandardised = Run(network.ToOnnx(), rows, raw.Count, raw.FeatureCount).Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        unstandardised.Should().BeGreaterThan(0.1f, "the network alone, given raw rows, predicts something else: the graph must standardise");

        using var session = new InferenceSession(path);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        metadata["task"].Should().Be("classification");
        JsonSerializer.Deserialize<string[]>(metadata["class_names"]).Should().Equal("bird", "cat", "dog");
    }

    [Fact]
    public void ToOnnx_RegressionModelWithoutStandardisation_MatchesAndSaysRegression()
    {
        var data = TestData.Linear(20, seed: 1);
        var model = Model.Create(Network.Create(2, seed: 2).Dense(4, Activation.Tanh).Dense(1, Activation.Identity), data);

        var bytes = model.ToOnnx();

        var actual = Run(bytes, data.FeatureValues.ToArray(), data.Count, 2);
        var expected = model.Predict(ModelTests.RowsOf(data)).SelectMany(p => p.Outputs).ToArray();
        actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max().Should().BeLessThanOrEqualTo(1e-5f);
        using var session = new InferenceSession(bytes);
        session.ModelMetadata.CustomMetadataMap["task"].Should().Be("regression");
    }

    [Fact]
    public void ToOnnx_ModelWithADecisionThreshold_SameProbabilitiesAndTheThresholdInTheMetadata()
    {
        var (raw, untuned) = ModelThresholdTests.Detector(count: 80);
        double t = 0.1 + 0.2;
        var model = untuned.WithDecisionThreshold(t);

        var bytes = model.ToOnnx();

        Run(bytes, raw.FeatureValues.ToArray(), raw.Count, 2).Should().Equal(Run(untuned.ToOnnx(), raw.FeatureValues.ToArray(), raw.Count, 2), "the graph gives probabilities, with or without a threshold");
        using var session = new InferenceSession(bytes);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        double.Parse(metadata["decision_threshold"], System.Globalization.CultureInfo.InvariantCulture).Should().Be(t);
        session.OutputMetadata.Keys.Should().Equal("output");
        using var plain = new InferenceSession(untuned.ToOnnx());
        plain.ModelMetadata.CustomMetadataMap.Should().NotContainKey("decision_threshold");
    }

    [Fact]
    public void ToOnnx_AnOptionNamedAsAStandardisationValue_IsRefused()
    {
        var (raw, standardizer, network) = ModelTests.TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);

        FluentActions.Invoking(() => model.ToOnnx(new OnnxExportOptions { OutputName = "input.mean" })).Should().Throw<ArgumentException>()
            .WithParameterName("options").WithMessage("*'input.mean'*standardisation*");
        FluentActions.Invoking(() => network.ToOnnx(new OnnxExportOptions { OutputName = "input.mean" })).Should().NotThrow("a bare network has no standardisation");
        FluentActions.Invoking(() => ((Model)null!).ToOnnx()).Should().Throw<ArgumentNullException>().WithParameterName("model");
    }

    private static float[] Run(byte[] onnx, float[] rows, int count, int features)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [count, features]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
