using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>One seed per transfer: <see cref="TransferOptions.Seed"/> drives the policy's probe folds and Auto's held-out parts too.</summary>
public class TransferSeedTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private static TransferOptions Options(TransferPolicy policy, int seed) => new()
    {
        NewLayers = [LayerSpec.Dense(5, Activation.Softmax)],
        Policy = policy,
        Seed = seed,
        MinTrainingSteps = 0,
        Training = new TrainingOptions { Epochs = 2, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-2f } },
    };

    [Fact]
    public void Decide_GuardedPolicy_SameSeedSameProbeNumbersOtherSeedOtherFolds()
    {
        var pipeline = new TransferPipeline();

        var first = pipeline.Decide(small.Pretrained, small.Tasks.Target, Options(DataSizePolicy.Default, seed: 1));
        var again = pipeline.Decide(small.Pretrained, small.Tasks.Target, Options(DataSizePolicy.Default, seed: 1));
        var other = pipeline.Decide(small.Pretrained, small.Tasks.Target, Options(DataSizePolicy.Default, seed: 2));

        Measured(first).Should().NotBeEmpty("the guard measured condition (c)");
        Measured(again).Should().Equal(Measured(first));
        Measured(other).Should().NotEqual(Measured(first), "the probe's folds come from the transfer's seed");
    }

    [Fact]
    public void Transfer_Auto_SameSeedSameScoresOtherSeedOtherHeldOutParts()
    {
        var pipeline = new TransferPipeline();
        var auto = TransferPolicy.Auto(new AutoSelectionOptions { Folds = 2 });

        var first = pipeline.Transfer(small.Pretrained, small.Tasks.Target, Options(auto, seed: 1));
        var again = pipeline.Transfer(small.Pretrained, small.Tasks.Target, Options(auto, seed: 1));
        var other = pipeline.Transfer(small.Pretrained, small.Tasks.Target, Options(auto, seed: 2));

        Scores(first).Should().NotBeEmpty();
        Scores(again).Should().Equal(Scores(first));
        Scores(other).Should().NotEqual(Scores(first), "Auto's held-out parts and the candidates' weights come from the transfer's seed");
    }

    private static double?[] Measured(TransferDecision decision) =>
        [.. decision.Reasons.Where(r => r.Value is not null && r.Code != DecisionReasonCode.Unspecified).Select(r => r.Value)];

    private static double?[] Scores(TransferResult result) => [.. result.Decision.Candidates.Select(c => c.BalancedAccuracy)];
}
