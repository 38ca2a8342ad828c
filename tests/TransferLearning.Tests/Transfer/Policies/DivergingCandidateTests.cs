using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>A candidate whose training diverges on the target's parts is out of the decision; it does not stop the transfer.</summary>
public class DivergingCandidateTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    // The pretrained layers at 10⁶ × the rate: every strategy that trains them diverges; HeadOnly and FromScratch do not.
    private static readonly TransferOptions Exploding = new() { PretrainedLearningRateScale = 1e6f, Training = new TrainingOptions { Epochs = 5, BatchSize = 16, Optimizer = new SgdOptions { LearningRate = 0.5f } } };

    [Fact]
    public void Auto_ACandidateDiverges_IsReportedAsOut_AndTheOthersDecide()
    {
        var target = LatentPretrained.Tasks(20, related: true).Target;
        var auto = new AutoSelectionOptions { Candidates = [TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.FullFineTune], Survivors = 1 };

        var decision = new TransferPipeline().Decide(fixture.Network, target, Exploding with { Policy = TransferPolicy.Auto(auto) });

        decision.Strategy.Should().BeOneOf(TransferStrategy.FromScratch, TransferStrategy.HeadOnly);
        var fine = decision.Candidates.Single(c => c.Strategy == TransferStrategy.FullFineTune);
        fine.Score.Should().Be(double.NaN, decision.ToString());
        decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.CandidateScored && r.Strategy == TransferStrategy.FullFineTune)
            .Which.Text.Should().Contain("diverged");
        decision.Candidates.Where(c => c.Strategy != TransferStrategy.FullFineTune).Should().OnlyContain(c => double.IsFinite(c.Score));
    }

    [Fact]
    public void Auto_DefaultsChoiceDivergesInAutosOwnTraining_TheBestOfTheRestIsChosen()
    {
        // 1,000 per class and a source of 10⁷: the rule says FullFineTune without measuring it, so Auto trains Default's
        // choice itself, and it diverges there. The choice falls to the best of the candidates that trained.
        var target = LatentPretrained.Tasks(1000, related: true).Target;
        var pretrained = fixture.Network with { SourceExampleCount = 10_000_000 };
        var auto = new AutoSelectionOptions { Candidates = [TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.FullFineTune] };

        var decision = new TransferPipeline().Decide(pretrained, target, Exploding with { Policy = TransferPolicy.Auto(auto) });

        decision.Reasons.Should().Contain(r => r.Code == DecisionReasonCode.CandidatesMeasured && r.Strategy == TransferStrategy.FullFineTune, "Default's choice is the baseline ({0})", decision);
        decision.Candidates.Single(c => c.Strategy == TransferStrategy.FullFineTune).Score.Should().Be(double.NaN);
        var trained = decision.Candidates.Where(c => double.IsFinite(c.Score)).ToList();
        trained.Should().NotBeEmpty();
        decision.Strategy.Should().Be(trained.MaxBy(c => c.Score)!.Strategy, decision.ToString());
    }

    [Fact]
    public void Default_OneSideDiverges_ChoosesTheOneThatTrained()
    {
        // 1,500 examples against 10,000 source ones: the ratio says FromScratch, and the transfer the rule would otherwise
        // make, LastLayers(1), is measured against it; it trains a pretrained layer, so it diverges, and so does
        // FullFineTune. The head alone trains (the pretrained layers stay fixed) and takes LastLayers(1)'s place.
        var target = LatentPretrained.Tasks(300, related: true).Target;

        var decision = new TransferPipeline().Decide(fixture.Network, target, Exploding);

        decision.Strategy.Should().BeOneOf([TransferStrategy.HeadOnly, TransferStrategy.FromScratch], decision.ToString());
        decision.Reasons.Should().Contain(r => r.Text.Contains("LastLayers(1)'s training diverged", StringComparison.Ordinal) && r.Strategy == TransferStrategy.HeadOnly, decision.ToString());
        decision.Reasons.Should().Contain(r => r.Text.Contains("FullFineTune's training diverged", StringComparison.Ordinal) && r.Strategy == TransferStrategy.HeadOnly, decision.ToString());
        decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.CandidatesMeasured).Which.Text.Should().Contain("HeadOnly").And.Contain("FromScratch");
    }
}
