using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class TransferAdvisorTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private static readonly AdvisorOptions Quick = new() { ProbeRepeats = 1 };

    [Fact]
    public void Advise_RelatedTarget_ReportsAllThreeConditionsWithEvidence()
    {
        var before = Weights.Of(fixture.Pretrained.Network);

        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained, fixture.Tasks.Target);

        Weights.Same(before, fixture.Pretrained.Network).Should().BeTrue("probing only reads the pretrained network");
        advice.SameInput.Holds.Should().BeTrue();
        advice.SameInput.Evidence.Should().Contain("32 inputs");
        advice.MoreSourceData.Holds.Should().BeTrue();
        advice.MoreSourceData.Evidence.Should().Contain("2,000").And.Contain("100").And.Contain("20.0:1");
        advice.Probes.Should().HaveCount(4, "the raw inputs and each of the 3 pretrained layers");
        advice.Probes[0].Layer.Should().Be(-1);
        advice.Probes.Should().OnlyContain(p => p.Score > 1.0 / 5, "every probe on a 5-class related target does better than chance");
        advice.BestLayer!.Score.Should().BeGreaterThan(advice.Probes[0].Score, "on the related target some pretrained layer beats the raw inputs");
        advice.BestLayer.Should().NotBeNull();
        advice.FeaturesHelp.Evidence.Should().Contain(advice.BestLayer!.Description);

        string report = advice.ToString();
        report.Should().Contain("(a) same input x").And.Contain("(b) far more source data").And.Contain("(c) the source's features help").And.Contain("← best");
    }

    [Fact]
    public void Advise_SmallSource_FailsConditionB()
    {
        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained.Network, sourceExampleCount: 100, fixture.Tasks.Target);

        advice.MoreSourceData.Holds.Should().BeFalse();
        advice.MoreSourceData.Evidence.Should().Contain("1.00:1").And.Contain("< 10:1");
        advice.MakesSense.Should().BeFalse();
        advice.ToString().Should().StartWith("Transfer is unlikely to help here.");
    }

    [Fact]
    public void Advise_DifferentInputs_FailsConditionA_AndDoesNotProbe()
    {
        var target = Dataset.ForClassification(Matrix<float>.Build.Dense(10, 4, (i, j) => i + j), [0, 1, 0, 1]);

        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained, target);

        advice.SameInput.Holds.Should().BeFalse();
        advice.SameInput.Evidence.Should().Contain("32 inputs").And.Contain("10");
        advice.FeaturesHelp.Holds.Should().BeNull();
        advice.Probes.Should().BeEmpty();
        advice.MakesSense.Should().BeFalse();
    }

    [Fact]
    public void Advise_UnknownSourceCount_LeavesConditionBUnchecked()
    {
        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained.Network, sourceExampleCount: null, fixture.Tasks.Target);

        advice.MoreSourceData.Holds.Should().BeNull();
        advice.MoreSourceData.Evidence.Should().Contain("unknown");
    }
}
