using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Serialization;
using TransferLearning.Tests.Networks.ToyKind;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

public class LayerKindsTests
{
    private static readonly Matrix<float> X = Matrix<float>.Build.Dense(3, 16, (i, j) => MathF.Sin((2 * i) + (3 * j) + 1));

    private static readonly Dataset Data = Dataset.ForClassification(X, [.. Enumerable.Range(0, 16).Select(j => j % 2)]);

    [Fact]
    public void ToyKind_OneFileAndOneRegistration_TrainsRoundTripsThroughAFileAndPredicts()
    {
        ScaleLayer.Register();
        var network = Network.Create(3, seed: 4).Dense(4, Activation.Tanh).Add(new ScaleSpec(2f)).Dense(2, Activation.Softmax);
        var scale = (ScaleLayer)network.Layers[1];

        GradientChecker.Check(network, Data, Loss.SoftmaxCrossEntropy).Should().BeEmpty("the toy kind's backward pass is its forward pass's gradient");
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 16, Shuffle = false, Optimizer = new SgdOptions { LearningRate = 0.5f } }).Fit(network, Data);
        scale.Scale.Values[0].Should().NotBe(2f, "one step trained a");

        using var folder = new TempFolder();
        string path = folder.File("scale.safetensors");
        network.Save(path);
        var loaded = Network.Load(path);

        loaded.Layers.Select(l => l.Kind).Should().Equal("dense", ScaleLayer.KindName, "dense");
        loaded.Layers[1].Should().BeOfType<ScaleLayer>().Which.Scale.Values[0].Should().Be(scale.Scale.Values[0]);
        Weights.ShouldBeIdentical(Weights.Of(loaded), Weights.Of(network));
        loaded.Predict(X).AsColumnMajorArray().Should().Equal(network.Predict(X).AsColumnMajorArray());
    }

    [Fact]
    public void ToyKind_ToSpecAndResetParameters_RebuildsItAsItStarted()
    {
        ScaleLayer.Register();
        var network = Network.Create(3, seed: 4).Dense(4, Activation.Tanh).Add(new ScaleSpec(2f)).Dense(2, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Optimizer = new SgdOptions { LearningRate = 0.5f } }).Fit(network, Data);

        var rebuilt = Network.Create(3, seed: 4);
        foreach (var layer in network.Layers)
        {
            rebuilt.Add(layer.ToSpec());
        }

        ((ScaleLayer)rebuilt.Layers[1]).Scale.Values[0].Should().Be(2f);
        network.Layers[1].ResetParameters(new Xoshiro256StarStar(1));
        ((ScaleLayer)network.Layers[1]).Scale.Values[0].Should().Be(2f);
    }

    [Fact]
    public void ExportOnnx_KindTheExporterDoesNotList_ThrowsNotSupported()
    {
        ScaleLayer.Register();
        var network = Network.Create(3, seed: 4).Dense(4, Activation.Tanh).Add(new ScaleSpec(2f)).Dense(2, Activation.Softmax);

        var export = () => network.ToOnnx();

        export.Should().Throw<NotSupportedException>();
    }

    [Fact]
    public void Register_NameOfABuiltInKind_Throws()
    {
        var register = () => LayerKinds.Register("dense", ScaleLayer.Read);

        register.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("kindName");
    }

    [Fact]
    public void ResetParameters_NullGenerator_ThrowsNamingIt()
    {
        var layer = Network.Create(2).Dense(2, Activation.ReLU).Layers[0];

        var reset = () => layer.ResetParameters(null!);

        reset.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("random");
    }

    [Fact]
    public void ResetParameters_GeneratorOfTheNetworksSeed_GivesTheFreshNetworkBitForBit()
    {
        static Network Build() => Network.Create(5, seed: 9).Dense(7, Activation.ReLU, Initializer.Xavier).BatchNorm().Dense(3, Activation.Softmax);
        var x = Matrix<float>.Build.Dense(5, 12, (i, j) => MathF.Cos(i + (2 * j)));
        var data = Dataset.ForClassification(x, [.. Enumerable.Range(0, 12).Select(j => j % 3)]);
        var network = Build();
        var before = network.Predict(x).AsColumnMajorArray();
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 0.05f } }).Fit(network, data);
        network.Predict(x).AsColumnMajorArray().Should().NotEqual(before, "training moved the weights and the running statistics");

        var random = new Xoshiro256StarStar(9);
        foreach (var layer in network.Layers)
        {
            layer.ResetParameters(random);
        }

        var fresh = Build();
        Weights.ShouldBeIdentical(Weights.Of(network), Weights.Of(fresh));
        network.Buffers.SelectMany(b => b.Values.ToArray()).Should().Equal(fresh.Buffers.SelectMany(b => b.Values.ToArray()));
        network.Predict(x).AsColumnMajorArray().Should().Equal(fresh.Predict(x).AsColumnMajorArray(), "prediction sees the reset values");
    }
}
