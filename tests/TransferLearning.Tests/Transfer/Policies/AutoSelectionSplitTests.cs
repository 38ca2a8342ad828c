using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>How Auto splits the target: a fifth held out on a small one, two thirds held out (a third trains) on a large one.</summary>
public class AutoSelectionSplitTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void Auto_LargeTarget_TrainsOnAThird_AndScoresOnTwoThirds()
    {
        var target = LatentPretrained.Tasks(100, related: true).Target;

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = TransferPolicy.Auto() });

        var measured = decision.Reasons.First(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        measured.Value!.Value.Should().BeApproximately(target.Count * 2.0 / 3, target.ClassCount, decision.ToString());
        measured.Text.Should().Contain("one of 3");
    }

    [Fact]
    public void Auto_ThirdsTurnedOff_HoldsOutOneFold()
    {
        var target = LatentPretrained.Tasks(100, related: true).Target;
        var auto = new AutoSelectionOptions { ThirdsFromExamplesPerClass = double.PositiveInfinity };

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = TransferPolicy.Auto(auto) });

        var measured = decision.Reasons.First(r => r.Code == DecisionReasonCode.CandidatesMeasured);
        measured.Value!.Value.Should().BeApproximately(target.Count / 5.0, target.ClassCount, "a fifth of 100 per class is held out (at least MinHeldOutExamples)");
    }
}
