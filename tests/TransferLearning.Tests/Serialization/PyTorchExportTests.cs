using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Serialization;

/// <summary>
/// The other direction: a network this library saved loads into PyTorch and predicts what the library predicts —
/// as a PyTorch <c>state_dict</c> (<see cref="PyTorchExport"/>, loaded with <c>strict=True</c> by
/// tests/fixtures/pytorch/load_state_dict.py), and as the library's own file (renamed by load_transferlearning.py).
/// The Python tests need /usr/bin/python3 with PyTorch (Debian's python3-torch); they are skipped, visibly, without it.
/// The fast tests compare the exported file with the state_dict PyTorch itself wrote for the same architecture
/// (tests/fixtures/pytorch/batchnorm.safetensors).
/// </summary>
public class PyTorchExportTests
{
    private static readonly string Fixtures = Path.Combine(Repository.Root(), "tests", "fixtures", "pytorch");

    // The architecture of tests/fixtures/pytorch/batchnorm.safetensors.
    private static Network BatchNormNetwork(int seed) =>
        Network.Create(6, seed).Dense(8, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(3, Activation.Softmax);

    [Fact]
    public void Save_BatchNormNetwork_WritesTheKeysShapesAndTypesOfPyTorchsOwnStateDict()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        PyTorchExport.Save(BatchNormNetwork(seed: 1), path);

        var written = Entries(File.ReadAllBytes(path));
        var pytorch = Entries(File.ReadAllBytes(Path.Combine(Fixtures, "batchnorm.safetensors")));
        written.Should().BeEquivalentTo(pytorch);
        written.Keys.Should().Contain(["2.running_var", "2.num_batches_tracked", "4.weight"]);
        written["2.num_batches_tracked"].Should().Be("I64 []");
    }

    [Fact]
    public void Save_WritesTheCounterAsAnInt64ZeroAndPyTorchsFormatMetadata()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        PyTorchExport.Save(BatchNormNetwork(seed: 1), path);

        byte[] file = File.ReadAllBytes(path);
        var header = JsonDocument.Parse(SafeTensorsBytes.Header(file)).RootElement;
        header.GetProperty("__metadata__").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).Should().Equal([("format", "pt")]);
        var offsets = header.GetProperty("2.num_batches_tracked").GetProperty("data_offsets");
        int begin = offsets[0].GetInt32();
        (offsets[1].GetInt32() - begin).Should().Be(8);
        BitConverter.ToInt64(SafeTensorsBytes.Data(file), begin).Should().Be(0);
    }

    [Fact]
    public void Save_ThenStrictImport_GivesTheSameWeightsAndPredictions()
    {
        var network = BatchNormNetwork(seed: 3);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 1 }).Fit(network, TestData.Blobs(perClass: 15, classes: 3, features: 6, seed: 4));
        using var stream = new MemoryStream();
        PyTorchExport.Save(network, stream);
        stream.Position = 0;
        var copy = BatchNormNetwork(seed: 9);

        var report = PyTorchImport.Load(copy, stream, new PyTorchImportOptions());

        report.IsComplete.Should().BeTrue(report.ToString());
        report.Loaded.Should().HaveCount(8);
        ((BatchNormLayer)copy.Layers[1]).RunningMean.Values.ToArray().Should().Equal(((BatchNormLayer)network.Layers[1]).RunningMean.Values.ToArray());
        Weights.ShouldBeIdentical(Weights.Of(copy), Weights.Of(network));
        var x = Matrix<float>.Build.Dense(6, 5, (i, j) => MathF.Sin(i + (2 * j)));
        copy.Predict(x).Should().Be(network.Predict(x));
    }

    [Fact]
    public void SequentialCode_IsThePyTorchModelWhoseStateDictIsSaved()
    {
        var network = Network.Create(5, seed: 1).Dense(7, Activation.LeakyReLU(0.1f)).BatchNorm(momentum: 0.2f, epsilon: 1e-3f).Dropout(0.25f)
            .Dense(4, Activation.Identity).Dense(4, Activation.Tanh).Dense(3, Activation.Sigmoid).Dense(2, Activation.Softmax);

        string code = PyTorchExport.SequentialCode(network);

        code.Should().Be(
            "nn.Sequential(nn.Linear(5, 7), nn.LeakyReLU(0.1), nn.BatchNorm1d(7, eps=0.001, momentum=0.2), nn.Dropout(0.25), "
            + "nn.Linear(7, 4), nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 2), nn.Softmax(dim=1))");
        using var stream = new MemoryStream();
        PyTorchExport.Save(network, stream);
        Entries(stream.ToArray()).Keys.Where(k => k.EndsWith(".weight", StringComparison.Ordinal)).Should().Equal("0.weight", "2.weight", "4.weight", "5.weight", "7.weight", "9.weight");
    }

    [Fact]
    public void Save_Errors_AreTheDocumentedTypes()
    {
        using var folder = new TempFolder();
        string directory = folder.File("model.safetensors");
        Directory.CreateDirectory(directory);

        FluentActions.Invoking(() => PyTorchExport.Save(null!, "x.safetensors")).Should().ThrowExactly<ArgumentNullException>().WithParameterName("network");
        FluentActions.Invoking(() => PyTorchExport.Save(BatchNormNetwork(1), string.Empty)).Should().ThrowExactly<ArgumentException>().WithParameterName("path");
        FluentActions.Invoking(() => PyTorchExport.Save(BatchNormNetwork(1), (Stream)null!)).Should().ThrowExactly<ArgumentNullException>().WithParameterName("stream");
        FluentActions.Invoking(() => PyTorchExport.Save(BatchNormNetwork(1), new MemoryStream([], writable: false))).Should().ThrowExactly<ArgumentException>().WithParameterName("stream");
        FluentActions.Invoking(() => PyTorchExport.Save(Network.Create(3), folder.File("empty.safetensors"))).Should().ThrowExactly<InvalidOperationException>();
        FluentActions.Invoking(() => PyTorchExport.Save(BatchNormNetwork(1), directory)).Should().Throw<IOException>().Which.Message.Should().Contain(directory);
        Directory.GetFileSystemEntries(folder.Path).Should().Equal([directory], "the temporary file is removed");
    }

    [Fact]
    public void Save_FailureMidWrite_LeavesThePreviousFileUnchanged()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        PyTorchExport.Save(BatchNormNetwork(seed: 1), path);
        byte[] before = File.ReadAllBytes(path);

        FluentActions.Invoking(() => PyTorchExport.Save(BatchNormNetwork(seed: 2), path, s => new FailingStream(s, 100)))
            .Should().Throw<IOException>().WithMessage("Injected failure*");

        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(folder.Path).Should().Equal([path], "the temporary file is removed");
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Save_BatchNormNetwork_LoadsIntoTheEquivalentSequentialWithStrictTrueAndPredictsTheSame()
    {
        Skip.IfNot(PyTorchAvailable(), "/usr/bin/python3 with PyTorch is not installed (apt-get install -y python3-torch).");
        var network = Network.Create(5, seed: 3).Dense(7, Activation.LeakyReLU(0.1f)).BatchNorm().Dropout(0.2f).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 1 }).Fit(network, TestData.Blobs(perClass: 15, classes: 3, features: 5, seed: 4));
        var x = Matrix<float>.Build.Dense(5, 6, (i, j) => MathF.Cos((2 * i) + (3 * j)));
        using var folder = new TempFolder();
        string model = folder.File("model.safetensors");
        string inputs = folder.File("inputs.json");
        PyTorchExport.Save(network, model);
        File.WriteAllText(inputs, JsonSerializer.Serialize(Enumerable.Range(0, x.ColumnCount).Select(j => x.Column(j).ToArray())));

        // The model as a PyTorch user writes it; model.load_state_dict(load_file(path), strict=True) with no renaming.
        const string Sequential = "nn.Sequential(nn.Linear(5, 7), nn.LeakyReLU(0.1), nn.BatchNorm1d(7), nn.Dropout(0.2), nn.Linear(7, 4), nn.Tanh(), nn.Linear(4, 3), nn.Softmax(dim=1))";
        var rows = JsonSerializer.Deserialize<float[][]>(Run(Path.Combine(Fixtures, "load_state_dict.py"), Sequential, model, inputs))!;

        var expected = network.Predict(x);
        rows.Should().HaveCount(x.ColumnCount);
        double max = rows.SelectMany((row, j) => row.Select((v, i) => Math.Abs(v - expected[i, j]))).Max();
        max.Should().BeLessThanOrEqualTo(1e-5);
    }
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Save_NetworkOfEveryLayerKind_PyTorchPredictsWhatTheLibraryPredicts()
    {
        Skip.IfNot(PyTorchAvailable(), "/usr/bin/python3 with PyTorch is not installed (apt-get install -y python3-torch).");
        var network = Network.Create(5, seed: 3).Dense(7, Activation.LeakyReLU(0.1f)).BatchNorm().Dropout(0.2f).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 1 }).Fit(network, TestData.Blobs(perClass: 15, classes: 3, features: 5, seed: 4));
        var x = Matrix<float>.Build.Dense(5, 6, (i, j) => MathF.Cos((2 * i) + (3 * j)));
        using var folder = new TempFolder();
        string model = folder.File("model.safetensors");
        string inputs = folder.File("inputs.json");
        network.Save(model);
        File.WriteAllText(inputs, JsonSerializer.Serialize(Enumerable.Range(0, x.ColumnCount).Select(j => x.Column(j).ToArray())));

        var rows = JsonSerializer.Deserialize<float[][]>(Run(Path.Combine(Repository.Root(), "tests", "fixtures", "pytorch", "load_transferlearning.py"), model, inputs))!;

        var expected = network.Predict(x);
        rows.Should().HaveCount(x.ColumnCount);
        double max = rows.SelectMany((row, j) => row.Select((v, i) => Math.Abs(v - expected[i, j]))).Max();
        max.Should().BeLessThanOrEqualTo(1e-6);
    }

    /// <summary>Each tensor of a safetensors file as <c>dtype [shape]</c>, by key.</summary>
    private static Dictionary<string, string> Entries(byte[] file) =>
        JsonDocument.Parse(SafeTensorsBytes.Header(file)).RootElement.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .ToDictionary(
                p => p.Name,
                p => p.Value.GetProperty("dtype").GetString() + " [" + string.Join(", ", p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())) + "]");

    private static bool PyTorchAvailable() => ExternalProcess.PythonHas("torch");

    private static string Run(params string[] arguments) => ExternalProcess.RunPython(arguments);
}
