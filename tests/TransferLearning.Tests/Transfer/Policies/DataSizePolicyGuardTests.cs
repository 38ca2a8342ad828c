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
        string reasons = string.Join(" ", decision.Reasons);
        reasons.Should().Contain("Condition (c), measured on the target before freezing anything").And.Contain("layer 1").And.Contain("raw inputs").And.Contain("keep HeadOnly");
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
        string.Join(" ", guarded.Reasons).Should().Contain("condition (c) fails").And.Contain("R²").And.Contain("Train from scratch instead");
    }

    [Fact]
    public void Decide_CountsAlone_NeverProbe()
    {
        var target = LatentPretrained.Tasks(30, related: false).Target;

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = DataSizePolicy.RuleOfThumb });

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons.Should().NotContain(r => r.Contains("condition (c)", StringComparison.OrdinalIgnoreCase));
        DataSizePolicy.RuleOfThumb.ToString().Should().Contain("rule of thumb only");
        DataSizePolicy.Default.ToString().Should().Contain("guarded by condition (c)");
    }
}
