using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Onnx;

/// <summary>Names the ONNX graph would give two values (issue 19): refused before anything is written.</summary>
public class OnnxExportNameTests
{
    // 3 → 4 (ReLU: layers.0.z, layers.0.a) → batch norm (layers.1.*) → 2 (softmax: layers.2.z, then the output).
    private static Network Sample() => Network.Create(3, seed: 2).Dense(4, Activation.ReLU).BatchNorm().Dense(2, Activation.Softmax);

    public static TheoryData<string, string, string> Collisions => new()
    {
        { "same", "same", "same" },
        { "layers.0.weight", "output", "layers.0.weight" },
        { "input", "layers.2.bias", "layers.2.bias" },
        { "layers.1.running_mean", "output", "layers.1.running_mean" },
        { "layers.0.z", "output", "layers.0.z" },
        { "input", "layers.0.a", "layers.0.a" },
        { "input", "layers.2.z", "layers.2.z" },
    };

    [Theory]
    [MemberData(nameof(Collisions))]
    public void ToOnnx_ANameTakenTwice_IsAnArgumentExceptionNamingTheOptionsAndTheName(string input, string output, string collision)
    {
        var options = new OnnxExportOptions { InputName = input, OutputName = output };

        var exception = FluentActions.Invoking(() => Sample().ToOnnx(options)).Should().Throw<ArgumentException>().Which;

        exception.ParamName.Should().Be("options");
        exception.Message.Should().Contain($"'{collision}'").And.Contain(input == collision ? "InputName" : "OutputName");
    }

    [Fact]
    public void ExportOnnx_ANameTakenTwice_WritesNothing()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        using var stream = new MemoryStream();

        FluentActions.Invoking(() => Sample().ExportOnnx(path, new OnnxExportOptions { InputName = "x", OutputName = "x" }))
            .Should().Throw<ArgumentException>().WithParameterName("options");
        FluentActions.Invoking(() => Sample().ExportOnnx(stream, new OnnxExportOptions { InputName = "layers.0.weight" }))
            .Should().Throw<ArgumentException>().WithParameterName("options");

        Directory.GetFileSystemEntries(folder.Path).Should().BeEmpty();
        stream.Length.Should().Be(0);
    }

    [Fact]
    public void ToOnnx_TheLastLayersOwnOutputNameReplacedByTheOutput_IsAccepted()
    {
        // layers.2.a is never written (the graph's output takes its place), so it is no collision.
        var model = Sample().ToOnnx(new OnnxExportOptions { OutputName = "layers.2.a" });

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        session.OutputMetadata.Keys.Should().Equal(["layers.2.a"]);
    }
}
