using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary><see cref="TrainingOptions.ClassWeighting"/> through a transfer: the target's training options carry it to the strategy.</summary>
public class TransferClassWeightingTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    [Fact]
    public void Transfer_HeadOnlyOnAOneInTwentyOneTarget_BalancedWeightsPredictTheRareClass()
    {
        // 4 positives, 80 negatives. Measured on seeds 1–4 of the draw: unweighted 0.494–0.537, balanced 0.613–0.756.
        var target = fixture.Tasks.Target.OneVsRest(0).TakeWithRatio(positives: 4, negativesPerPositive: 20, seed: 1);
        var test = fixture.Tasks.TargetTest.OneVsRest(0);
        double BalancedAccuracy(ClassWeighting weighting)
        {
            var options = SmallTransfer.Options(TransferStrategy.HeadOnly);
            options = options with { Training = options.Training with { Epochs = 20, ClassWeighting = weighting } };
            var network = new TransferPipeline().Transfer(fixture.Pretrained, target, options).Network;
            return TransferMetric.BalancedAccuracy.Score(network.Predict(test.Features), test);
        }

        BalancedAccuracy(ClassWeighting.None).Should().BeLessThan(0.55, "unweighted, the head never predicts the rare class");
        BalancedAccuracy(ClassWeighting.Balanced).Should().BeGreaterThan(0.6);
    }
}
