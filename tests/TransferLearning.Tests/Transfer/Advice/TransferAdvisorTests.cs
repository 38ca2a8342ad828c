using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
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
        advice.SameInput.Reason.Should().BeEquivalentTo(new { Code = DecisionReasonCode.SameInput, Value = 32.0, Threshold = 32.0 });
        advice.MoreSourceData.Holds.Should().BeTrue();
        advice.MoreSourceData.Reason.Should().BeEquivalentTo(new { Code = DecisionReasonCode.EnoughSourceData, Value = 20.0, Threshold = 10.0 }, "2,000 source examples against 100 target examples");
        advice.Probes.Should().HaveCount(4, "the raw inputs and each of the 3 pretrained layers");
        advice.Probes[0].Layer.Should().Be(-1);
        advice.Probes.Should().OnlyContain(p => p.Score > 1.0 / 5, "every probe on a 5-class related target does better than chance");
        advice.BestLayer!.Score.Should().BeGreaterThan(advice.Probes[0].Score, "on the related target some pretrained layer beats the raw inputs");
        advice.BestLayer.Should().NotBeNull();
        advice.Gain!.Layer.Should().Be(advice.BestLayer!.Layer);
        advice.Gain.Description.Should().Be(advice.BestLayer.Description);
        advice.Gain.Gain.Should().BeApproximately(advice.BestLayer.Score - advice.Probes[0].Score, 1e-12, "the gain is the best layer's mean score minus the raw inputs'");
        advice.FeaturesHelp.Holds.Should().Be(advice.FeaturesHelp.Reason.Code == DecisionReasonCode.FeaturesHelp);

        string report = advice.ToString();
        report.Split(Environment.NewLine).Select(line => line.Trim()).Should().Contain(advice.Conditions.Select(c => c.ToString().Trim()))
            .And.Contain(advice.Probes.Where(p => p != advice.BestLayer && p.Layer < advice.KeptLayers).Select(p => p.ToString()), "the report lists every condition and every probe")
            .And.Contain(advice.Probes.Where(p => p.Layer >= advice.KeptLayers).Select(p => p + "  (removed by the transfer)"), "the layers the transfer removes are marked");
    }

    [Fact]
    public void Advise_SmallSource_FailsConditionB()
    {
        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained with { SourceExampleCount = 100 }, fixture.Tasks.Target);

        advice.MoreSourceData.Holds.Should().BeFalse();
        advice.MoreSourceData.Reason.Should().BeEquivalentTo(new { Code = DecisionReasonCode.TooLittleSourceData, Value = 1.0, Threshold = 10.0 });
        advice.MakesSense.Should().BeFalse();
    }

    [Fact]
    public void Advise_DifferentInputs_FailsConditionA_AndDoesNotProbe()
    {
        var target = Dataset.ForClassification(Matrix<float>.Build.Dense(10, 4, (i, j) => i + j), [0, 1, 0, 1]);

        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained, target);

        advice.SameInput.Holds.Should().BeFalse();
        advice.SameInput.Reason.Should().BeEquivalentTo(new { Code = DecisionReasonCode.DifferentInput, Value = 10.0, Threshold = 32.0 });
        advice.FeaturesHelp.Holds.Should().BeNull();
        advice.FeaturesHelp.Reason.Code.Should().Be(DecisionReasonCode.FeaturesNotMeasured);
        advice.Probes.Should().BeEmpty();
        advice.MakesSense.Should().BeFalse();
    }

    [Fact]
    public void Advise_UnknownSourceCount_LeavesConditionBUnchecked()
    {
        var advice = new TransferAdvisor(Quick).Advise(fixture.Pretrained with { SourceExampleCount = null }, fixture.Tasks.Target);

        advice.MoreSourceData.Holds.Should().BeNull();
        advice.MoreSourceData.Reason.Should().BeEquivalentTo(new { Code = DecisionReasonCode.SourceCountUnknown, Value = 100.0, Threshold = 10.0 });
    }

    // Condition (c) judged on the evidence. The target's class is the diamond |x₀| + |x₁| < its median: no
    // linear function of x separates it (the raw inputs' probe is near chance), while a first layer that
    // computes ReLU(±x₀), ReLU(±x₁) makes it linear (their sum is |x₀| + |x₁|). The same features with the
    // labels shuffled carry no information, and (c) must then fail.
    [Fact]
    public void Advise_FeaturesSeparateWhatRawInputsCannot_ConditionCHoldsWithTheGainAboveItsThreshold()
    {
        var (network, target) = Diamond(shuffled: false);

        var advice = new TransferAdvisor().Advise(new PretrainedNetwork { Network = network }, target);

        advice.FeaturesHelp.Holds.Should().BeTrue(advice.ToString());
        var gain = advice.Gain!;
        gain.Layer.Should().Be(0, "the ReLU layer is the one that separates the classes");
        advice.Probes[0].Score.Should().BeLessThan(0.7, "no linear function of x finds the diamond");
        advice.Probes[1].Score.Should().BeGreaterThan(0.9, "the diamond is linear in the ReLU features");
        gain.Lower.Should().BeGreaterThan(0);
        gain.StandardizedGain.Should().BeGreaterThan(gain.StandardizedPermutationBaseline);
        advice.FeaturesHelp.Reason.Should().BeEquivalentTo(new
        {
            Code = DecisionReasonCode.FeaturesHelp,
            Value = gain.Gain,
            Threshold = 0.02,
        });
        advice.FeaturesHelp.Reason.Value.Should().BeGreaterThan(0.2, "the features gain tens of points");
    }

    [Fact]
    public void Advise_SameFeaturesShuffledLabels_ConditionCDoesNotHold()
    {
        var (network, target) = Diamond(shuffled: true);

        var advice = new TransferAdvisor().Advise(new PretrainedNetwork { Network = network }, target);

        advice.FeaturesHelp.Holds.Should().BeFalse(advice.ToString());
        var reason = advice.FeaturesHelp.Reason;
        reason.Code.Should().BeOneOf(
            DecisionReasonCode.FeaturesGainIntervalIncludesZero, DecisionReasonCode.FeaturesGainWithinPermutationBaseline, DecisionReasonCode.FeaturesGainTooSmall);
        reason.Value.Should().BeLessThanOrEqualTo(reason.Threshold!.Value, "a verdict that fails names the number that missed its threshold");
        advice.Gain!.Gain.Should().BeLessThan(0.1, "shuffled labels leave nothing for the features to find");
    }

    /// <summary>A 2 → 4 (ReLU) → 2 (softmax) network whose first layer computes ReLU(x₀), ReLU(−x₀), ReLU(x₁), ReLU(−x₁), and 200 Gaussian points labelled by the diamond (or its shuffle).</summary>
    private static (Network Network, Dataset Target) Diamond(bool shuffled)
    {
        var network = Network.Create(2, seed: 0).Dense(4, Activation.ReLU).Dense(2, Activation.Softmax);
        network.Parameters.Single(p => p.Name == "layers.0.weight").SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } }));
        network.Parameters.Single(p => p.Name == "layers.0.bias").SetValues(Matrix<float>.Build.Dense(4, 1));

        const int count = 200;
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(11);
        var x = Matrix<float>.Build.Dense(2, count, (_, _) => (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
        var size = Enumerable.Range(0, count).Select(j => Math.Abs(x[0, j]) + Math.Abs(x[1, j])).ToArray();
        float median = size.Order().ElementAt(count / 2);
        var labels = size.Select(r => r < median ? 1 : 0).ToArray();
        if (shuffled)
        {
            random.Shuffle(labels);
        }

        return (network, Dataset.ForClassification(x, labels));
    }
}
