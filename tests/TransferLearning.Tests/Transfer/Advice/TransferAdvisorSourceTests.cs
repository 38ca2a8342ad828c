using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>The advisor on a target source: the probes of <c>Advise</c> on the sample drawn, condition (b) on the whole target.</summary>
public sealed class TransferAdvisorSourceTests : IClassFixture<SmallTransfer>
{
    private readonly SmallTransfer _small;

    public TransferAdvisorSourceTests(SmallTransfer small) => _small = small;

    [Fact]
    public void AdviseFromSource_ProbesAsAdviseOnTheTakePerClassSample_AndJudgesTheSizeOnTheWholeTarget()
    {
        var advisor = new TransferAdvisor(new AdvisorOptions { Seed = 7 });
        var target = _small.Tasks.Target;

        var fromSource = advisor.AdviseFromSource(_small.Pretrained, DataSource.FromDataset(target), perClass: 8);
        var onSample = advisor.Advise(_small.Pretrained, target.TakePerClass(8, 7, allowFewer: true));

        fromSource.Probes.Select(p => (p.Layer, p.Score)).Should().Equal(onSample.Probes.Select(p => (p.Layer, p.Score)));
        (fromSource.Gain!.Layer, fromSource.Gain.Gain).Should().Be((onSample.Gain!.Layer, onSample.Gain.Gain));
        fromSource.FeaturesHelp.Holds.Should().Be(onSample.FeaturesHelp.Holds);
        fromSource.MoreSourceData.Reason.Value.Should().Be((double)_small.Pretrained.SourceExampleCount!.Value / target.Count);
        onSample.MoreSourceData.Reason.Value.Should().NotBe(fromSource.MoreSourceData.Reason.Value, "the sample is smaller than the target");
    }

    [Fact]
    public void AdviseFromSource_RegressionTarget_ProbesASampleOfThatSize()
    {
        var network = Network.Create(3, seed: 1).Dense(6, Activation.Tanh).Dense(1, Activation.Identity);
        var x = Matrix<float>.Build.Dense(3, 200, (i, j) => ((i * 7) + (j * 3)) % 13 / 13f);
        var y = Matrix<float>.Build.Dense(1, 200, (_, j) => x[0, j] - x[2, j]);
        var advisor = new TransferAdvisor(new AdvisorOptions { Permutations = 3, ProbeRepeats = 1 });

        var advice = advisor.AdviseFromSource(new PretrainedNetwork { Network = network, SourceExampleCount = 100_000 }, DataSource.FromDataset(Dataset.ForRegression(x, y)), perClass: 40);

        advice.Gain.Should().NotBeNull();
        advice.MoreSourceData.Reason.Value.Should().Be(500.0, "100,000 source examples against the 200 of the whole target");
    }

    [Fact]
    public void AdviseFromSource_PerClassBelowOne_NamesIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TransferAdvisor().AdviseFromSource(_small.Pretrained, DataSource.FromDataset(_small.Tasks.Target), perClass: 0));

        e.ParamName.Should().Be("perClass");
    }
}
