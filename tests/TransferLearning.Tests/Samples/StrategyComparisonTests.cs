using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Samples;

/// <summary>The comparison behind TransferLab and WhenTransferHurts, on a small synthetic pair.</summary>
public class StrategyComparisonTests
{
    [Fact]
    public void Run_PolicyAndAutoColumns_ScoreWhatTransferWithThatPolicyGives()
    {
        var setup = SmallSetup();
        var options = new ComparisonOptions { PerClass = [6], Seeds = 1, Advise = false, Steps = 60, MinEpochs = 5 };

        var result = StrategyComparison.Run(setup, options with
        {
            Arms = [ComparisonArm.Fixed(TransferStrategy.FromScratch), ComparisonArm.Fixed(TransferStrategy.HeadOnly), .. ComparisonArm.All(new AutoSelectionOptions { Folds = 2 }).Where(a => a.Decides)],
        });

        // The same run by hand, through TransferPipeline.Transfer with each policy.
        var pipeline = new TransferPipeline();
        var pretrained = pipeline.Pretrain(StrategyComparison.Architecture(setup), setup.Source, setup.Pretraining);
        var sample = StrategyComparison.Sample(setup, 6, seed: 0);
        foreach (var arm in result[6].Arms.Where(a => a.Decides))
        {
            var policy = arm.Arm == "Policy" ? DataSizePolicy.Default : TransferPolicy.Auto(new AutoSelectionOptions { Folds = 2 });
            var byHand = pipeline.Transfer(pretrained, sample, new TransferOptions { Policy = policy, Seed = 0, Training = options.TrainingFor(sample.Count, 0) });

            arm.Chosen.Should().Equal(byHand.Strategy.ToString());
            arm.Accuracies[0].Should().Be(byHand.Network.Evaluate(setup.TargetTest).Accuracy!.Value, arm.Arm);
            arm.Reasons.Select(WithoutTimes).Should().Equal(byHand.Decision.Reasons.Select(r => WithoutTimes(r.Text)));
        }
    }

    [Fact]
    public void Run_TwoSeeds_EachCellHasOneAccuracyPerSeedAndTheirMean()
    {
        var setup = SmallSetup();

        var result = StrategyComparison.Run(setup, new ComparisonOptions
        {
            PerClass = [4, 8], Seeds = 2, Advise = false, Steps = 40, MinEpochs = 4, Arms = [ComparisonArm.Fixed(TransferStrategy.HeadOnly)],
        });

        result.Rows.Select(r => r.PerClass).Should().Equal(4, 8);
        result.Rows.Select(r => r.TargetCount).Should().Equal(20, 40);
        var cell = result[8]["HeadOnly"];
        cell.Accuracies.Should().HaveCount(2).And.OnlyContain(a => a > 0.2, "5 classes: better than chance");
        cell.Accuracy.Mean.Should().Be(cell.Accuracies.Average());
        cell.Chosen.Should().Equal("HeadOnly", "HeadOnly");
    }

    // Auto's reasons quote each candidate's wall time ("0.01 s"), which differs from run to run.
    private static string WithoutTimes(string reason) => System.Text.RegularExpressions.Regex.Replace(reason, @"\d+\.\d+ s\b", "… s");

    private static ComparisonSetup SmallSetup()
    {
        var tasks = SyntheticData.LatentTasks(sourceCount: 1_200, targetPerClass: 10, targetTestPerClass: 40, related: true, seed: 3);
        return new ComparisonSetup(
            "small",
            "small synthetic pair",
            "SyntheticData.LatentTasks",
            tasks.Source.Subset([.. Enumerable.Range(0, 1_000)]),
            tasks.Source.Subset([.. Enumerable.Range(1_000, 200)]),
            tasks.Target,
            tasks.TargetTest,
            [32],
            new TrainingOptions { Epochs = 15, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 2e-3f }, Seed = 1 });
    }
}
