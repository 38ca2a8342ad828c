using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferLearning.Compute;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Tests.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Onnx;

/// <summary>The exported model, run by ONNX Runtime 1.31.1, predicts what the network predicts.</summary>
public class OnnxExportTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void ExportOnnx_EveryActivation_OnnxRuntimeMatchesPredictWithin1e5(int batch)
    {
        var network = InferenceTests.MixedNetwork(ComputeBackend.Managed);

        AssertOnnxRuntimeMatches(network, network.ToOnnx(), batch, seed: batch);
    }

    [Fact]
    public void ExportOnnx_TrainedNetwork_OnnxRuntimeMatchesPredictWithin1e5()
    {
        var data = TestData.Blobs(perClass: 60, classes: 4, features: 6, seed: 3);
        var network = Network.Create(6, seed: 4).Dense(32, Activation.ReLU).Dense(16, Activation.LeakyReLU(0.05f)).Dense(4, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 5, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 0.01f } }).Fit(network, data);

        AssertOnnxRuntimeMatches(network, network.ToOnnx(), batch: 50, seed: 5);
    }

    [Fact]
    public void ExportOnnx_DropoutAndBatchNorm_DropoutLeftOutAndBatchNormMatchesWithin1e5()
    {
        var network = InferenceTests.TrainedNetworkWithEveryLayerKind(ComputeBackend.Managed);

        AssertOnnxRuntimeMatches(network, network.ToOnnx(), batch: 25, seed: 7);
    }

    [Fact]
    public void ExportOnnx_BenchmarkNetworkToFile_LoadsWithASymbolicBatchAndMatches()
    {
        var network = InferenceTests.BenchmarkShapedNetwork(ComputeBackend.Managed);
        string path = Path.Combine(Path.GetTempPath(), $"tl-{Guid.NewGuid():N}.onnx");
        try
        {
            network.ExportOnnx(path, new OnnxExportOptions { InputName = "pixels", OutputName = "probabilities", BatchDimension = "n" });

            using var session = new InferenceSession(path);
            var input = session.InputMetadata["pixels"];
            input.Dimensions.Should().Equal(-1, 784);
            input.SymbolicDimensions[0].Should().Be("n");
            session.OutputMetadata["probabilities"].Dimensions.Should().Equal(-1, 10);
            Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)[..16]}.*.tmp").Should().BeEmpty("the temporary file is renamed");
            AssertOnnxRuntimeMatches(network, File.ReadAllBytes(path), batch: 3, seed: 6, "pixels", "probabilities");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExportOnnx_InitializersKeepTheParameterNamesInNnLinearLayout()
    {
        var network = Network.Create(3, seed: 1).Dense(2, Activation.Identity);
        network.DenseLayers[0].Weight.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        network.DenseLayers[0].Bias.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 10 }, { 20 } }));

        using var session = new InferenceSession(network.ToOnnx());
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 0, -1 }, [1, 3]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);

        // W·x + b = [1 − 3 + 10, 4 − 6 + 20]: the row-major [n_out, n_in] layout, not its transpose.
        results[0].GetTensorDataAsSpan<float>().ToArray().Should().Equal(8f, 18f);
    }

    [Fact]
    public void ExportOnnx_BadArguments_Throw()
    {
        FluentActions.Invoking(() => ((Network)null!).ToOnnx()).Should().Throw<ArgumentNullException>().WithParameterName("network");
        FluentActions.Invoking(() => Network.Create(3).ToOnnx()).Should().Throw<InvalidOperationException>().WithMessage("The network has no layers*");
        FluentActions.Invoking(() => new OnnxExportOptions { InputName = " " }).Should().Throw<ArgumentException>()
            .WithParameterName("InputName").WithMessage("Expected a non-empty name for InputName but got ' '.*");
        using var readOnly = new MemoryStream([], writable: false);
        FluentActions.Invoking(() => Network.Create(3).Dense(2, Activation.ReLU).ExportOnnx(readOnly)).Should().Throw<ArgumentException>().WithParameterName("stream");
    }

    [Fact]
    public void ExportOnnx_FailedExport_LeavesTheEarlierFileIntact()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tl-{Guid.NewGuid():N}.onnx");
        try
        {
            var network = Network.Create(3, seed: 1).Dense(2, Activation.ReLU);
            network.ExportOnnx(path);
            byte[] before = File.ReadAllBytes(path);

            FluentActions.Invoking(() => Network.Create(3).ExportOnnx(path)).Should().Throw<InvalidOperationException>();

            File.ReadAllBytes(path).Should().Equal(before);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertOnnxRuntimeMatches(Network network, byte[] model, int batch, int seed, string inputName = "input", string outputName = "output")
    {
        var x = InferenceTests.Examples(batch, network.InputSize, seed);
        var expected = network.Predict(Matrix<float>.Build.Dense(network.InputSize, batch, x)).ToColumnMajorArray();

        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [batch, network.InputSize]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [input], [outputName]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();

        actual.Should().HaveCount(expected.Length);
        float worst = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        worst.Should().BeLessThanOrEqualTo(1e-5f, $"ONNX Runtime and Predict on {batch} examples");
    }
}
