using System.Buffers.Binary;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Serialization;

public class NetworkFilesTests
{
    private static readonly Matrix<float> Inputs = Matrix<float>.Build.Dense(4, 7, (i, j) => MathF.Sin((3 * i) + j + 1));

    public static TheoryData<string> Activations => ["Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh"];

    [Fact]
    public void SaveLoad_TrainedNetwork_WeightsFrozenFlagsSeedAndPredictionsAreBitIdentical()
    {
        var network = Trained();
        network.Layers[0].Freeze();
        network.DenseLayers[1].Bias.IsFrozen = true;
        using var folder = new TempFolder();
        string path = folder.File("net.safetensors");

        network.Save(path);
        var loaded = Network.Load(path);

        Weights.ShouldBeIdentical(Weights.Of(loaded), Weights.Of(network));
        loaded.Parameters.Select(p => (p.Name, p.IsFrozen)).Should().Equal(network.Parameters.Select(p => (p.Name, p.IsFrozen)));
        loaded.InputSize.Should().Be(network.InputSize);
        loaded.Seed.Should().Be(network.Seed);
        loaded.ToString().Should().Be(network.ToString());
        loaded.Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
    }

    [Fact]
    public void SaveLoad_EveryLayerKind_WeightsRunningStatisticsFrozenFlagsAndPredictionsAreBitIdentical()
    {
        var network = Network.Create(4, seed: 5)
            .Dense(8, Activation.ReLU).BatchNorm(momentum: 0.2f, epsilon: 1e-3f).Dropout(0.25f)
            .Dense(6, Activation.Tanh).BatchNorm().Dropout(0.1f)
            .Dense(3, Activation.Softmax);
        Train(network, epochs: 2);
        network.Layers[1].Freeze();   // a frozen BatchNorm
        network.Layers[5].Freeze();   // a frozen Dropout
        using var folder = new TempFolder();
        string path = folder.File("kinds.safetensors");

        network.Save(path);
        var loaded = Network.Load(path);

        loaded.Layers.Select(l => l.ToString()).Should().Equal(network.Layers.Select(l => l.ToString()));
        Weights.ShouldBeIdentical(Weights.Of(loaded), Weights.Of(network));
        Weights.ShouldBeIdentical(Buffers(loaded), Buffers(network));
        Buffers(network).SelectMany(b => b).Should().Contain(v => v != 0f && v != 1f, "the running statistics moved in training");
        loaded.Parameters.Select(p => p.IsFrozen).Should().Equal(network.Parameters.Select(p => p.IsFrozen));
        loaded.Layers.Select(l => l.IsFrozen).Should().Equal(network.Layers.Select(l => l.IsFrozen));
        var original = (BatchNormLayer)network.Layers[1];
        var copy = (BatchNormLayer)loaded.Layers[1];
        (copy.Momentum, copy.Epsilon).Should().Be((original.Momentum, original.Epsilon));
        ((DropoutLayer)loaded.Layers[2]).Seed.Should().Be(((DropoutLayer)network.Layers[2]).Seed);
        ((DropoutLayer)loaded.Layers[2]).Rate.Should().Be(0.25f);
        loaded.Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());

        // Training on from the file goes exactly as training on in memory: same masks, same statistics.
        Train(network, epochs: 1);
        Train(loaded, epochs: 1);
        Weights.ShouldBeIdentical(Weights.Of(loaded), Weights.Of(network));
        Weights.ShouldBeIdentical(Buffers(loaded), Buffers(network));
    }

    [Fact]
    public void Save_BatchNorm_WritesPyTorchBatchNorm1dTensors()
    {
        var file = SafeTensorsBytes.Of(Network.Create(3).Dense(5, Activation.ReLU).BatchNorm().Dense(2, Activation.Softmax));

        using var header = JsonDocument.Parse(SafeTensorsBytes.Header(file));
        foreach (string name in new[] { "weight", "bias", "running_mean", "running_var" })
        {
            header.RootElement.GetProperty($"layers.1.{name}").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(5);
        }

        header.RootElement.GetProperty("__metadata__").GetProperty("layers.1.kind").GetString().Should().Be("batchnorm");
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void SaveLoad_EveryActivation_KeepsTheActivation(string name)
    {
        var activation = name switch
        {
            "Identity" => Activation.Identity,
            "ReLU" => Activation.ReLU,
            "LeakyReLU" => Activation.LeakyReLU(0.1f),
            "Sigmoid" => Activation.Sigmoid,
            _ => Activation.Tanh,
        };
        var network = Network.Create(4, seed: 3).Dense(5, activation).Dense(1, Activation.Sigmoid);
        using var folder = new TempFolder();
        string path = folder.File("net.safetensors");

        network.Save(path);
        var loaded = Network.Load(path);

        loaded.DenseLayers[0].Activation.Name.Should().Be(activation.Name);
        loaded.Predict(Inputs).AsColumnMajorArray().Should().Equal(network.Predict(Inputs).AsColumnMajorArray());
    }

    [Fact]
    public void Save_Network_WritesPyTorchLinearLayoutAndVersionedMetadata()
    {
        // W = [[1, 2, 3], [4, 5, 6]] (2 outputs × 3 inputs), b = [7, 8].
        var layer = DenseLayer.FromWeights(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }), Vector<float>.Build.Dense([7f, 8f]), Activation.Identity);
        var network = Network.Create(3).Add(layer);

        var file = SafeTensorsBytes.Of(network);

        using var header = JsonDocument.Parse(SafeTensorsBytes.Header(file));
        var root = header.RootElement;
        root.GetProperty("layers.0.weight").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(2, 3);
        root.GetProperty("layers.0.weight").GetProperty("dtype").GetString().Should().Be("F32");
        root.GetProperty("layers.0.bias").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(2);
        var metadata = root.GetProperty("__metadata__");
        metadata.GetProperty("format").GetString().Should().Be("TransferLearning");
        metadata.GetProperty("format_version").GetString().Should().Be("1");
        metadata.GetProperty("layers.0.kind").GetString().Should().Be("dense");
        metadata.GetProperty("layers.0.activation").GetString().Should().Be("Identity");

        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        (dataStart % 8).Should().Be(0, "the header is padded so that the data is 8-byte aligned");
        var weightRange = root.GetProperty("layers.0.weight").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var weight = Enumerable.Range(0, 6).Select(k => BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(dataStart + weightRange[0] + (4 * k)))).ToArray();
        weight.Should().Equal([1f, 2f, 3f, 4f, 5f, 6f], "the weight is row-major [n_out, n_in], as PyTorch's nn.Linear");
        (dataStart + 32).Should().Be(file.Length, "six weights and two biases of 4 bytes, nothing more");
    }

    [Fact]
    public void LoadWeights_NetworkWithADifferentHead_LoadsTheBodyAndReportsEveryTensor()
    {
        var pretrained = Trained();   // 4 → 6 → 5 → 3
        var other = Network.Create(4, seed: 99).Dense(6, Activation.ReLU).Dense(5, Activation.Tanh).Dense(2, Activation.Softmax);
        var freshHead = Weights.Of(other.Layers[2]);
        using var folder = new TempFolder();
        string path = folder.File("net.safetensors");
        pretrained.Save(path);

        var report = other.LoadWeights(path);

        report.Loaded.Should().Equal("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias");
        report.Skipped.Should().Equal(
            new SkippedTensor { Name = "layers.2.weight", Reason = "shape [3, 5] in the file, [2, 5] in the network" },
            new SkippedTensor { Name = "layers.2.bias", Reason = "shape [3] in the file, [2] in the network" });
        report.NewlyInitialized.Should().Equal("layers.2.weight", "layers.2.bias");
        report.IsComplete.Should().BeFalse();
        Weights.ShouldBeIdentical(Weights.Of(other.Layers[0]), Weights.Of(pretrained.Layers[0]));
        Weights.ShouldBeIdentical(Weights.Of(other.Layers[1]), Weights.Of(pretrained.Layers[1]));
        Weights.ShouldBeIdentical(Weights.Of(other.Layers[2]), freshHead, "the new head keeps its own initial weights");
        report.ToString().Should().Contain("Newly initialised: layers.2.weight, layers.2.bias");
    }

    [Fact]
    public void LoadWeights_ShallowerNetwork_SkipsTensorsWithNoParameter()
    {
        var pretrained = Trained();
        var body = Network.Create(4).Dense(6, Activation.ReLU);
        using var folder = new TempFolder();
        string path = folder.File("net.safetensors");
        pretrained.Save(path);

        var report = body.LoadWeights(path);

        report.Loaded.Should().Equal("layers.0.weight", "layers.0.bias");
        report.Skipped.Select(s => s.Name).Should().Equal("layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias");
        report.Skipped[0].Reason.Should().Be("the network has no parameter 'layers.1.weight'");
        report.NewlyInitialized.Should().BeEmpty();
    }

    [Fact]
    public void Save_NoLayers_Throws()
    {
        using var folder = new TempFolder();
        Throws.InvalidOperation(() => Network.Create(3).Save(folder.File("x.safetensors")), "no layers");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        using var folder = new TempFolder();
        FluentActions.Invoking(() => Network.Load(folder.File("absent.safetensors"))).Should().Throw<FileNotFoundException>();
    }

    private static float[][] Buffers(Network network) => network.Buffers.Select(b => b.Values.ToArray()).ToArray();

    private static void Train(Network network, int epochs) =>
        new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 8, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = 1 })
            .Fit(network, TestData.Blobs(perClass: 20, classes: 3, features: 4, seed: 2));

    /// <summary>4 → 6 (ReLU) → 5 (tanh) → 3 (softmax), trained a few epochs so that no weight is at its initial value.</summary>
    internal static Network Trained()
    {
        var network = Network.Create(4, seed: 11).Dense(6, Activation.ReLU).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);
        Train(network, epochs: 3);
        return network;
    }
}
