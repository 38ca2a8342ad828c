using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class FromScratchInitializerTests
{
    [Fact]
    public void Build_FromScratchOfAReLULayerWithXavier_ReinitialisesWithXavierAsTheArchitectureBuiltAfresh()
    {
        var pretrained = Network.Create(6, seed: 3).Dense(32, Activation.ReLU, Initializer.Xavier).Dense(4, Activation.Softmax);
        var x = Matrix<float>.Build.Dense(6, 10, (i, j) => MathF.Sin(i + (3 * j)));
        var target = Dataset.ForClassification(x, [.. Enumerable.Range(0, 10).Select(j => j % 2)]);
        var options = new TransferOptions { NewLayers = [LayerSpec.Dense(2, Activation.Softmax)], Seed = 11 };

        var built = new TransferPipeline().Build(new PretrainedNetwork { Network = pretrained }, target, TransferStrategy.FromScratch, options);

        built.DenseLayers[0].Initializer.Should().Be(Initializer.Xavier);
        built.DenseLayers[0].ToSpec().Should().Be(pretrained.DenseLayers[0].ToSpec());
        var xavier = Network.Create(6, seed: 11).Dense(32, Activation.ReLU, Initializer.Xavier).Dense(2, Activation.Softmax);
        var he = Network.Create(6, seed: 11).Dense(32, Activation.ReLU).Dense(2, Activation.Softmax);
        Weights.ShouldBeIdentical(Weights.Of(built), Weights.Of(xavier));
        Weights.AreIdentical(Weights.Of(built), Weights.Of(he)).Should().BeFalse("He, the ReLU default, draws other weights from the same seed");
    }

    [Fact]
    public void SaveLoad_CustomInitializer_SurvivesTheFileAndDefaultsWriteNothing()
    {
        var network = Network.Create(3, seed: 2).Dense(4, Activation.ReLU, Initializer.Xavier).Dense(2, Activation.Tanh).Dense(2, Activation.Softmax, Initializer.He);
        using var folder = new TempFolder();
        string path = folder.File("init.safetensors");

        network.Save(path);
        var loaded = Network.Load(path);

        loaded.DenseLayers.Select(l => l.Initializer).Should().Equal(Initializer.Xavier, Initializer.Xavier, Initializer.He);
        loaded.Layers.Select(l => l.ToSpec()).Should().Equal(network.Layers.Select(l => l.ToSpec()));
    }
}
