using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// The library's reason to exist, measured: on tasks built so that the source's features help, a frozen
/// pretrained body with a new head beats training from scratch; on tasks built so that they do not,
/// the advisor says so and Auto does not fall for negative transfer.
/// </summary>
[Trait("Category", "Slow")]
public class TransferBenefitTests(TransferBenefitTests.Pretrained fixture) : IClassFixture<TransferBenefitTests.Pretrained>
{
    private const int Seeds = 5;

    [Theory]
    [InlineData(10)]
    [InlineData(30)]
    public void HeadOnly_BeatsFromScratch_WhenTheSourceFeaturesHelp(int perClass)
    {
        double head = 0;
        double scratch = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, perClass, 200, related: true, seed);
            head += Accuracy(seed, tasks, TransferStrategy.HeadOnly) / Seeds;
            scratch += Accuracy(seed, tasks, TransferStrategy.FromScratch) / Seeds;
        }

        (head - scratch).Should().BeGreaterThanOrEqualTo(0.03, $"HeadOnly averaged {head:P1} and FromScratch {scratch:P1} at {perClass} per class over {Seeds} seeds");
    }

    [Fact]
    public void RelatedTarget_AutoBeatsFromScratch()
    {
        double auto = 0;
        double scratch = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, 30, 200, related: true, seed);
            auto += Accuracy(seed, tasks, null) / Seeds;
            scratch += Accuracy(seed, tasks, TransferStrategy.FromScratch) / Seeds;
        }

        (auto - scratch).Should().BeGreaterThanOrEqualTo(0.02, $"Auto averaged {auto:P1} and FromScratch {scratch:P1} at 30 per class");
    }

    [Fact]
    public void UnrelatedTarget_AdvisorSaysFeaturesDoNotHelp_AndAutoKeepsUpWithFromScratch()
    {
        double auto = 0;
        double scratch = 0;
        int refusals = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, 10, 200, related: false, seed);
            var advice = new TransferAdvisor().Advise(fixture.Networks[seed], tasks.Target);
            refusals += advice.FeaturesHelp.Holds == false ? 1 : 0;
            auto += Accuracy(seed, tasks, null) / Seeds;
            scratch += Accuracy(seed, tasks, TransferStrategy.FromScratch) / Seeds;
        }

        refusals.Should().Be(Seeds, "condition (c) fails on every unrelated pair");
        auto.Should().BeGreaterThanOrEqualTo(scratch - 0.01, $"Auto averaged {auto:P1} and FromScratch {scratch:P1}");
    }

    private double Accuracy(int seed, TransferTasks tasks, TransferStrategy? strategy)
    {
        var options = new TransferOptions
        {
            Seed = seed,
            Policy = strategy is null ? TransferPolicy.Auto() : TransferPolicy.Fixed(strategy),
            Training = new TrainingOptions { Epochs = 60, BatchSize = 16, Optimizer = Optimizers.Adam(3e-3f), Seed = seed },
        };
        var result = new TransferPipeline().Transfer(fixture.Networks[seed], tasks.Target, options);
        return result.Network.Evaluate(tasks.TargetTest).Accuracy!.Value;
    }

    /// <summary>One network per seed, pretrained on the 64-class source (the same for related and unrelated targets).</summary>
    public sealed class Pretrained
    {
        public const int SourceCount = 10_000;

        public Pretrained()
        {
            var pipeline = new TransferPipeline();
            Networks = Enumerable.Range(0, Seeds).Select(seed =>
            {
                var source = SyntheticData.LatentTasks(SourceCount, 1, 1, related: true, seed).Source;
                var architecture = Network.Create(32, seed)
                    .Dense(128, Activation.ReLU)
                    .Dense(64, Activation.ReLU)
                    .Dense(64, Activation.Softmax);
                var options = new TrainingOptions { Epochs = 8, BatchSize = 64, Optimizer = Optimizers.Adam(2e-3f), Seed = seed };
                return pipeline.Pretrain(architecture, source, options);
            }).ToArray();
        }

        public IReadOnlyList<PretrainedNetwork> Networks { get; }
    }
}
