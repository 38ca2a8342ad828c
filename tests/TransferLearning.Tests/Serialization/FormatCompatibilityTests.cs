using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Serialization;

/// <summary>Files written before the layer kinds owned their file mapping (tests/fixtures/format-v1) still load, and are still written the same.</summary>
public class FormatCompatibilityTests
{
    private static readonly string Fixture = Path.Combine(Repository.Root(), "tests", "fixtures", "format-v1", "every-kind-235aab0.safetensors");

    [Fact]
    public void Load_FileWrittenBy235aab0_GivesTheNetworkItWasWrittenFrom()
    {
        var expected = TheNetwork();

        var loaded = Network.Load(Fixture);

        loaded.ToString().Should().Be(expected.ToString());
        loaded.Layers.Select(l => l.ToSpec()).Should().Equal(expected.Layers.Select(l => l.ToSpec()));
        Weights.ShouldBeIdentical(Weights.Of(loaded), Weights.Of(expected));
        loaded.Buffers.SelectMany(b => b.Values.ToArray()).Should().Equal(expected.Buffers.SelectMany(b => b.Values.ToArray()));
        loaded.Parameters.Select(p => p.IsFrozen).Should().Equal(expected.Parameters.Select(p => p.IsFrozen));
        loaded.Layers.Select(l => l.IsFrozen).Should().Equal(expected.Layers.Select(l => l.IsFrozen));
        ((DropoutLayer)loaded.Layers[2]).Seed.Should().Be(((DropoutLayer)expected.Layers[2]).Seed);
        var x = Matrix<float>.Build.Dense(4, 3, (i, j) => MathF.Sin(i + (2 * j)));
        loaded.Predict(x).AsColumnMajorArray().Should().Equal(expected.Predict(x).AsColumnMajorArray());
    }

    [Fact]
    public void Save_TheNetworkOfTheFileWrittenBy235aab0_WritesTheSameBytes()
    {
        using var folder = new TempFolder();
        string path = folder.File("now.safetensors");

        TheNetwork().Save(path);

        File.ReadAllBytes(path).Should().Equal(File.ReadAllBytes(Fixture));
    }

    // As tests/fixtures/format-v1/README.md says.
    private static Network TheNetwork()
    {
        var network = Network.Create(4, seed: 5).Dense(6, Activation.LeakyReLU(0.1f)).BatchNorm(momentum: 0.2f).Dropout(0.25f).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);
        network.Layers[0].Freeze();
        network.Layers[2].Freeze();
        ((BatchNormLayer)network.Layers[1]).RunningVariance.SetValues(Matrix<float>.Build.Dense(6, 1, (i, j) => 0.5f + i));
        return network;
    }
}
