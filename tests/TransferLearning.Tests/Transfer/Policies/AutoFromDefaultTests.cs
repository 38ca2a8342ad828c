using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// Auto starts from DataSizePolicy.Default's decision on the same held-out parts and replaces it only beyond
/// RequiredStandardErrorsAgainstDefault; a large target trains the candidates on one third and scores them on two.
/// </summary>
public class AutoFromDefaultTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private readonly TransferPipeline _pipeline = new();

    // 100 target examples, 20 per class: large from 20 per class on.
    private static readonly AutoSelectionOptions Large = new() { LargeTargetExamplesPerClass = 20 };

    [Fact]
    public void Auto_WithAnUnreachableBar_KeepsDefaultsChoice_OnASmallTargetAndOnALargeOne()
    {
        foreach (var (auto, folds) in new[] { (new AutoSelectionOptions { Folds = 3 }, 3), (Large, 5) })
        {
            var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(auto with { RequiredStandardErrorsAgainstDefault = 1e9 }) };
            var byDefault = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options with { Policy = new DataSizePolicy { EvidenceFolds = folds } });

            var byAuto = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options);

            byAuto.Strategy.Should().Be(byDefault.Strategy, "no candidate beats Default's choice by 10⁹ standard errors");
            byAuto.Reasons.Should().ContainInOrder(byDefault.Reasons, "Default's reasons are Auto's first");
            byAuto.Candidates.Should().HaveCount(5).And.Contain(c => c.Strategy == byDefault.Strategy);
        }
    }

    [Fact]
    public void Auto_OnALargeTarget_TrainsOnAThird_ScoresEveryCandidateOnTheOtherTwo_AndWithNoBarPicksTheBest()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(Large with { RequiredStandardErrorsAgainstDefault = 0 }) };

        var decision = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options);

        var measured = decision.Reasons.Last(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        measured.Value.Should().BeInRange(60, 70, "two of three stratified parts of 100 examples are held out");
        measured.Text.Should().Contain("trained on one of 3 stratified parts, for the final training's epochs, and scored on the other 2");
        var finalists = decision.Candidates.Where(c => c.Epochs == 3).ToList();
        finalists.Should().HaveCountGreaterThanOrEqualTo(3, "HeadOnly and LastLayers(1) (cached features) and at least one survivor of rung 0 train the full epochs");
        double best = finalists.Max(c => c.Score);
        decision.Candidates.Single(c => c.Strategy == decision.Strategy).Score.Should().Be(best, "every candidate is scored on the same two thirds, and with no bar the best replaces Default's choice ({0})", decision);
    }

    [Fact]
    public void Auto_OnALargeTarget_IsReproducibleFromTheTransfersSeed()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(Large) };

        var first = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options);
        var second = _pipeline.Decide(fixture.Pretrained, fixture.Tasks.Target, options);

        second.Strategy.Should().Be(first.Strategy);
        second.Candidates.Select(c => c.Score).Should().Equal(first.Candidates.Select(c => c.Score));
    }
}
