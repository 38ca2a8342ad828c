using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>The advisor judges the layers the transfer keeps, probes the removed ones too, and offers the deeper cut.</summary>
public class TransferAdvisorKeptLayersTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    [Fact]
    public void Advise_BestLayerIsAKeptLayer_AndTheRemovedOutputLayerIsProbedAndMarked()
    {
        var target = LatentPretrained.Tasks(30, related: true).Target;

        var advice = new TransferAdvisor().Advise(fixture.Network, target);

        advice.KeptLayers.Should().Be(2, "the transfer removes the source's output layer of the 3");
        advice.Probes.Select(p => p.Layer).Should().Equal(-1, 0, 1, 2);
        advice.BestLayer!.Layer.Should().BeLessThan(2, "the verdict speaks about the layers the transfer keeps");
        advice.ToString().Should().Contain("(removed by the transfer)");
    }

    [Fact]
    public void Advise_TopKeptLayerDestroyed_OffersTheDeeperCut_WithItsRemovedLayers()
    {
        var network = fixture.Network.Network.Clone();
        var top = network.DenseLayers[1];
        top.Weight.SetValues(MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(top.Weight.Rows, top.Weight.Columns));   // layer 1's features become constant
        var damaged = new PretrainedNetwork { Network = network, SourceExampleCount = LatentPretrained.SourceCount };
        var target = LatentPretrained.Tasks(30, related: true).Target;

        var advice = new TransferAdvisor().Advise(damaged, target);

        advice.BestLayer!.Layer.Should().Be(0, advice.ToString());
        advice.Notes.Should().ContainSingle(n => n.StartsWith("A deeper cut", StringComparison.Ordinal)).Which.Should().Contain("RemovedLayers = 2");
    }

    [Fact]
    public void Advise_NoLayerLeftAfterTheRemoval_IsRefused_NamingThePretrainedNetwork()
    {
        var target = LatentPretrained.Tasks(10, related: true).Target;

        var act = () => new TransferAdvisor(new AdvisorOptions { RemovedLayers = 3 }).Advise(fixture.Network, target);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("pretrained");
        var negative = () => new AdvisorOptions { RemovedLayers = -1 };
        negative.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("RemovedLayers");
    }
}
