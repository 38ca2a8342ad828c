using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>The guard of <see cref="DataSizePolicy.Default"/>: condition (c) checked before anything is frozen.</summary>
public class DataSizePolicyGuardTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void Decide_RelatedTarget_KeepsTheFrozenBody_WithTheProbeNumbers()
    {
        var target = LatentPretrained.Tasks(30, related: true).Target;

        var decision = _pipeline.Decide(fixture.Network, target);

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        var check = decision.Reasons[^1];
        check.Code.Should().Be(DecisionReasonCode.FeaturesHelp, decision.ToString());
        check.Strategy.Should().Be(TransferStrategy.HeadOnly);
        check.Threshold.Should().BeGreaterThan(DataSizePolicy.Default.FeatureCheck.MinProbeGain, "the gain must also beat half a standard error");
        check.Value.Should().BeGreaterThanOrEqualTo(check.Threshold!.Value);
    }

    [Fact]
    public void Decide_RandomRegressionTarget_TrainsFromScratch_AndTheRuleOfThumbWouldNot()
    {
        var inputs = LatentPretrained.Tasks(20, related: true).Target.Features;
        var random = new Xoshiro256StarStar(7);
        var y = Matrix<float>.Build.Dense(1, inputs.ColumnCount, (_, _) => (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
        var target = Dataset.ForRegression(inputs, y);

        var guarded = _pipeline.Decide(fixture.Network, target);
        var rule = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = DataSizePolicy.RuleOfThumb });

        rule.Strategy.Should().Be(TransferStrategy.HeadOnly);
        guarded.Strategy.Should().Be(TransferStrategy.FromScratch);
        var check = guarded.Reasons[^2];
        check.Code.Should().BeOneOf([DecisionReasonCode.ProbeDoesNotBeatMean, DecisionReasonCode.FeaturesGainTooSmall], guarded.ToString());
        check.Strategy.Should().Be(TransferStrategy.HeadOnly, "the guard judged the rule's HeadOnly");
        check.Value.Should().BeLessThan(check.Threshold!.Value);
        guarded.Reasons[^1].Code.Should().Be(DecisionReasonCode.FromScratchForUnhelpfulFeatures);
        guarded.Reasons.SkipLast(2).Should().Equal(rule.Reasons, "the guard adds to the rule's reasons");
    }

    [Fact]
    public void Decide_CountsAlone_NeverProbe()
    {
        var target = LatentPretrained.Tasks(30, related: false).Target;

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = DataSizePolicy.RuleOfThumb });

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons.Select(r => r.Code).Should().NotContain(
            [DecisionReasonCode.FeaturesHelp, DecisionReasonCode.FeaturesGainTooSmall, DecisionReasonCode.ProbeDoesNotBeatMean, DecisionReasonCode.FromScratchForUnhelpfulFeatures]);
        decision.Reasons[^1].Code.Should().Be(DecisionReasonCode.LittleTargetData);
        DataSizePolicy.RuleOfThumb.CheckFeatures.Should().BeFalse();
        DataSizePolicy.Default.CheckFeatures.Should().BeTrue();
    }
}
