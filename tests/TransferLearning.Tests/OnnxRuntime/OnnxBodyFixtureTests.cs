using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>make_cnn.py, run again, writes the committed fixture byte for byte (training is seeded and deterministic).</summary>
public sealed class OnnxBodyFixtureTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Generator_ReproducesCommittedFixture()
    {
        Skip.IfNot(TorchAvailable(), "/usr/bin/python3 with PyTorch and onnx is not installed (apt-get install -y python3-torch python3-onnx dataset-fashion-mnist).");
        Skip.IfNot(File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist).");
        using var folder = new TempFolder();

        Python(Path.Combine(CnnFixture.Folder, "make_cnn.py"), folder.Path);

        foreach (string name in new[] { "cnn.onnx", "cnn-features-output.onnx", "fixed-batch.onnx", "int-value.onnx", "expected.json" })
        {
            File.ReadAllBytes(folder.File(name)).Should().Equal(File.ReadAllBytes(Path.Combine(CnnFixture.Folder, name)), name);
        }
    }

    private static bool TorchAvailable() => ExternalProcess.PythonHas("torch, onnx");

    private static void Python(params string[] arguments) => ExternalProcess.RunPython(arguments);
}
