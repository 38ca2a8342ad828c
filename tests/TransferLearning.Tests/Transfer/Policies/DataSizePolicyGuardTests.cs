using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>The evidence of <see cref="DataSizePolicy.Default"/>: the rule's transfer measured against training everything before anything is frozen.</summary>
public class DataSizePolicyGuardTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void Decide_RelatedTarget_KeepsTheFrozenBody_WithTheHeldOutNumbers()
    {
        var target = LatentPretrained.Tasks(30, related: true).Target;

        var decision = _pipeline.Decide(fixture.Network, target);
        var rule = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = DataSizePolicy.RuleOfThumb });

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly, decision.ToString());
        var measured = decision.Reasons[^2];
        measured.Code.Should().Be(DecisionReasonCode.CandidatesMeasured);
        measured.Value.Should().Be(target.Count, "every example is held out once (5-fold cross-validation at 30 per class)");
        measured.Text.Should().Contain("HeadOnly").And.Contain("FromScratch").And.Contain("held-out Accuracy");
        var check = decision.Reasons[^1];
        check.Code.Should().BeOneOf(DecisionReasonCode.GainBeyondNoise, DecisionReasonCode.GainWithinNoise);
        check.Strategy.Should().Be(TransferStrategy.HeadOnly);
        check.Value.Should().BeGreaterThanOrEqualTo(-check.Threshold!.Value, "FromScratch did not win beyond the noise");
        decision.Reasons.SkipLast(2).Should().Equal(rule.Reasons, "the evidence adds to the rule's reasons");
    }

    [Fact]
    public void Decide_LargeTarget_TrainsOnAThird_AndScoresOnTheOtherTwoThirds()
    {
        // 100 per class: no longer cross-validated; a stratified third trains (a third of a training's cost), two thirds score.
        var target = LatentPretrained.Tasks(100, related: true).Target;

        var decision = _pipeline.Decide(fixture.Network, target);

        var measured = decision.Reasons.Single(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        int perClass = target.Count / target.ClassCount;
        int trained = target.ClassCount * (int)Math.Ceiling(perClass / 3.0);
        measured.Value.Should().BeInRange(target.Count - trained, target.Count - (target.ClassCount * (perClass / 3)), decision.ToString());
        measured.Text.Should().Contain("one split");
    }

    [Fact]
    public void Decide_LargeTarget_TrainsTheCandidatesForTheFinalTrainingsEpochs_NotTheStepsFloorOfTheirThird()
    {
        // 100 per class: the third has fewer batches, and the steps floor (MinTrainingSteps) would make its candidates as
        // costly as a whole training; they train the final training's epochs instead (a third of its steps).
        var target = LatentPretrained.Tasks(100, related: true).Target;
        var options = new TransferOptions();
        int final = options.EpochsFor(target.Count);
        options.EpochsFor(target.Count / 3).Should().BeGreaterThan(final, "the floor binds on the third of this target");

        var decision = _pipeline.Decide(fixture.Network, target, options);

        var measured = decision.Reasons.Single(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        measured.Text.Should().Contain($"for the {final} epochs of the final training", decision.ToString());
    }

    [Fact]
    public void Decide_LittleSourceLargeTarget_MeasuresFullFineTuneBesideTheRulesStrategy()
    {
        // 300 per class: the source (10,000) is under 10 × the target, so condition (b) says FromScratch; the rule's
        // strategy without it and FullFineTune (the pretrained weights as a start only) are both measured against it.
        var target = LatentPretrained.Tasks(300, related: true).Target;
        ((double)LatentPretrained.SourceCount).Should().BeLessThan(10.0 * target.Count);

        var decision = _pipeline.Decide(fixture.Network, target);

        var full = decision.Reasons.Single(r => r.Text.Contains("as a start only", StringComparison.Ordinal));
        full.Code.Should().BeOneOf(DecisionReasonCode.GainBeyondNoise, DecisionReasonCode.GainWithinNoise);
        if (full.Code == DecisionReasonCode.GainBeyondNoise)
        {
            full.Strategy.Should().Be(TransferStrategy.FullFineTune);
        }
        else
        {
            full.Strategy!.FreezesPretrainedLayers.Should().BeTrue("within the noise the rule's strategy (with condition (b) set aside) stays");
        }

        (full.Code == DecisionReasonCode.GainBeyondNoise).Should().Be(full.Value > full.Threshold, "FullFineTune takes the place when it wins beyond the band");
        var measured = decision.Reasons.Single(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        measured.Text.Should().Contain("60 % of them", decision.ToString());
        decision.Strategy.Should().BeOneOf(TransferStrategy.FromScratch, full.Strategy!);
    }

    [Fact]
    public void Decide_SourceSmallerThanTheTarget_DoesNotMeasureFullFineTune()
    {
        // 500 source examples, 1,500 target ones (the reversed ratio): the pretrained weights were learned from fewer
        // examples than the target has, so only the rule's strategy (ratio set aside) is measured against FromScratch.
        var tasks = SyntheticData.LatentTasks(500, 300, 1, related: true, seed: 0);
        var architecture = TransferLearning.Networks.Network.Create(32, seed: 0).Dense(64, TransferLearning.Networks.Activation.ReLU).Dense(64, TransferLearning.Networks.Activation.ReLU).Dense(64, TransferLearning.Networks.Activation.Softmax);
        var pretrained = _pipeline.Pretrain(architecture, tasks.Source, new TrainingOptions { Epochs = 2, BatchSize = 64 });
        tasks.Source.Count.Should().BeLessThan(tasks.Target.Count);

        var decision = _pipeline.Decide(pretrained, tasks.Target);

        decision.Reasons.Should().NotContain(r => r.Text.Contains("as a start only", StringComparison.Ordinal), decision.ToString());
        decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.CandidatesMeasured).Which.Text.Should().NotContain("FullFineTune");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decide_WithinTheNoise_BreaksTheTieOnTheTrueClassProbability_ButNotUnderARankingMetric(bool ranking)
    {
        // A band so wide that every difference is within the noise: a metric of the decisions is tie-broken by the
        // class-balanced probability of the true class; average precision, which that probability does not predict, is not.
        var target = LatentPretrained.Tasks(30, related: true).Target;
        var policy = new DataSizePolicy { RequiredStandardErrors = 1e6 };
        var metric = ranking ? TransferMetric.AveragePrecision(1) : TransferMetric.Accuracy;

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = policy, Metric = metric });

        var check = decision.Reasons.Last(r => r.Code is DecisionReasonCode.GainWithinNoise or DecisionReasonCode.GainBeyondNoise);
        check.Text.Contains("probability of the true class", StringComparison.Ordinal).Should().Be(!ranking, check.Text);
        if (ranking)
        {
            decision.Strategy.Should().Be(TransferStrategy.HeadOnly, "within the noise the rule's choice stands");
        }
    }

    [Fact]
    public void Decide_IsReproducibleFromTheTransfersSeed()
    {
        var target = LatentPretrained.Tasks(30, related: false).Target;

        var first = _pipeline.Decide(fixture.Network, target, new TransferOptions { Seed = 4 });
        var second = _pipeline.Decide(fixture.Network, target, new TransferOptions { Seed = 4 });

        second.Should().BeEquivalentTo(first, o => o.WithStrictOrdering());
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
        guarded.Strategy.Should().Be(TransferStrategy.FromScratch, guarded.ToString());
        guarded.Reasons[^3].Code.Should().Be(DecisionReasonCode.CandidatesMeasured);
        guarded.Reasons[^3].Text.Should().Contain("held-out RSquared");
        var check = guarded.Reasons[^2];
        check.Code.Should().Be(DecisionReasonCode.GainBeyondNoise, guarded.ToString());
        check.Strategy.Should().Be(TransferStrategy.FromScratch);
        check.Value.Should().BeLessThan(-check.Threshold!.Value, "HeadOnly − FromScratch in R² is below the noise band");
        guarded.Reasons[^1].Code.Should().Be(DecisionReasonCode.FromScratchForUnhelpfulFeatures);
        guarded.Reasons.SkipLast(3).Should().Equal(rule.Reasons, "the evidence adds to the rule's reasons");
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
