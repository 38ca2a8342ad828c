using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;

namespace TransferLearning.Tests.Networks;

/// <summary>Shapes, names, copies, freezing state and readable descriptions of layers and networks.</summary>
public class DenseLayerTests
{
    [Fact]
    public void ToString_FrozenMnistSizedLayer_ReadsLikeTheStyleGuide()
    {
        var layer = DenseLayer.Create(784, 512, Activation.ReLU, new Random(1));
        layer.Freeze();

        layer.ToString().Should().Be("Dense(784 → 512, ReLU) [401,920 params, frozen]");
    }

    [Fact]
    public void ToString_TrainableAndPartlyFrozen_SaySo()
    {
        var layer = DenseLayer.Create(3, 2, Activation.LeakyReLU(0.1f), new Random(1));

        layer.ToString().Should().Be("Dense(3 → 2, LeakyReLU(0.1)) [8 params]");
        layer.Bias.IsFrozen = true;
        layer.ToString().Should().Be("Dense(3 → 2, LeakyReLU(0.1)) [8 params, partly frozen]");
        layer.IsFrozen.Should().BeFalse();
        layer.IsTrainable.Should().BeTrue();
        layer.Unfreeze();
        layer.Bias.IsFrozen.Should().BeFalse();
    }

    [Fact]
    public void Network_ParametersHaveStableDottedNamesAndShapes()
    {
        var network = Network.Create(4, seed: 1).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);

        network.Parameters.Select(p => p.Name).Should().Equal("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias");
        network.Parameters.Select(p => (p.Rows, p.Columns)).Should().Equal((3, 4), (3, 1), (2, 3), (2, 1));
        network.ParameterCount.Should().Be((3 * 4) + 3 + (2 * 3) + 2);
        network.DenseLayers[1].Bias.Values.ToArray().Should().OnlyContain(b => b == 0f, "biases start at zero");
    }

    [Fact]
    public void Network_ToString_ListsLayersAndTrainableCount()
    {
        var network = Network.Create(4, seed: 1).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);
        network.DenseLayers[0].Freeze();

        network.ToString().Should().Be(
            "Network(4 inputs, 2 layers, 23 params, 8 trainable)" + Environment.NewLine +
            "  [0] Dense(4 → 3, ReLU) [15 params, frozen]" + Environment.NewLine +
            "  [1] Dense(3 → 2, Softmax) [8 params]");
        network.TrainableParameterCount.Should().Be(8);
    }

    [Fact]
    public void FromWeights_CopiesTheValuesInColumnMajorOrder()
    {
        var w = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Vector<float>.Build.DenseOfArray([7, 8]);

        var layer = DenseLayer.FromWeights(w, b, Activation.Identity);
        w[0, 0] = 100;
        b[0] = 100;

        layer.Weight.Values.ToArray().Should().Equal(1, 4, 2, 5, 3, 6);
        layer.Bias.Values.ToArray().Should().Equal(7, 8);
        layer.Weight.ToMatrix().Should().Be(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        (layer.InputSize, layer.OutputSize).Should().Be((3, 2));
    }

    [Fact]
    public void SetValues_OverwritesAndCopies()
    {
        var layer = DenseLayer.Create(2, 2, Activation.Tanh, new Random(1));
        var values = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2 }, { 3, 4 } });

        layer.Weight.SetValues(values);
        values[0, 0] = -1;

        layer.Weight.ToMatrix()[0, 0].Should().Be(1f);
    }

    [Fact]
    public void Create_DefaultInitialisers_HeForReluXavierOtherwise()
    {
        Activation.ReLU.DefaultInitializer.Should().BeSameAs(Initializer.He);
        Activation.LeakyReLU().DefaultInitializer.Should().BeSameAs(Initializer.He);
        Activation.Tanh.DefaultInitializer.Should().BeSameAs(Initializer.Xavier);
        Activation.Softmax.DefaultInitializer.Should().BeSameAs(Initializer.Xavier);

        // Xavier uniform: every weight within ±√(6 / (n_in + n_out)).
        var xavier = DenseLayer.Create(30, 20, Activation.Tanh, new Random(3));
        float limit = MathF.Sqrt(6f / 50f);
        xavier.Weight.Values.ToArray().Should().OnlyContain(w => Math.Abs(w) <= limit);
        xavier.Weight.Values.ToArray().Max(Math.Abs).Should().BeGreaterThan(limit * 0.9f);
    }

    [Fact]
    public void Clone_IsDeepAndKeepsFreezing()
    {
        var network = Network.Create(2, seed: 1).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);
        network.DenseLayers[0].Freeze();

        var copy = network.Clone();
        copy.DenseLayers[1].Weight.SetValues(Matrix<float>.Build.Dense(2, 3, 9f));

        copy.DenseLayers[0].IsFrozen.Should().BeTrue();
        network.DenseLayers[1].Weight.Values.ToArray().Should().NotContain(9f);
        copy.DenseLayers[0].Weight.Values.ToArray().Should().Equal(network.DenseLayers[0].Weight.Values.ToArray());
    }
}
