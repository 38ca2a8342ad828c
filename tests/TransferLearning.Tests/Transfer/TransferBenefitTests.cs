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

    [Theory]
    [InlineData(10)]
    [InlineData(30)]
    public void GuardedPolicy_KeepsTheFrozenBodysGain_WhenTheSourceFeaturesHelp(int perClass)
    {
        double guarded = 0;
        double scratch = 0;
        int frozen = 0;
        var decisions = new List<string>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, perClass, 200, related: true, seed);
            var result = Transfer(seed, tasks, DataSizePolicy.Default);
            guarded += result.Network.Evaluate(tasks.TargetTest).Accuracy!.Value / Seeds;
            scratch += Accuracy(seed, tasks, TransferStrategy.FromScratch) / Seeds;
            frozen += result.Strategy == TransferStrategy.HeadOnly ? 1 : 0;
            decisions.Add(result.Decision.ToString());
        }

        string because = $"the guarded policy averaged {guarded:P1} and FromScratch {scratch:P1} at {perClass} per class; decisions:{Environment.NewLine}{string.Join(Environment.NewLine, decisions)}";
        frozen.Should().BeGreaterThanOrEqualTo(3, because);
        (guarded - scratch).Should().BeGreaterThanOrEqualTo(0.03, because);
    }

    [Fact]
    public void GuardedPolicy_TrainsFromScratch_WhenTheSourceFeaturesDoNotHelp()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, 10, 1, related: false, seed);
            var options = new TransferOptions { Policy = DataSizePolicy.Default };

            var decision = new TransferPipeline().Decide(fixture.Networks[seed], tasks.Target, options);
            var rule = new TransferPipeline().Decide(fixture.Networks[seed], tasks.Target, options with { Policy = DataSizePolicy.RuleOfThumb });

            rule.Strategy.Should().Be(TransferStrategy.HeadOnly, "the counts alone say: little target data, train the head");
            decision.Strategy.Should().Be(TransferStrategy.FromScratch, decision.ToString());
            decision.Reasons[^2].Code.Should().Be(DecisionReasonCode.GainBeyondNoise, "HeadOnly lost to FromScratch on the held-out parts by more than the noise");
            decision.Reasons[^2].Value.Should().BeLessThan(-decision.Reasons[^2].Threshold!.Value);
            decision.Reasons[^1].Code.Should().Be(DecisionReasonCode.FromScratchForUnhelpfulFeatures);
        }
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
        var picks = new List<string>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            var tasks = SyntheticData.LatentTasks(Pretrained.SourceCount, 10, 200, related: false, seed);
            var advice = new TransferAdvisor().Advise(fixture.Networks[seed], tasks.Target);
            refusals += advice.FeaturesHelp.Holds == false ? 1 : 0;
            var result = Transfer(seed, tasks, TransferPolicy.Auto());
            picks.Add(result.Strategy.ToString());
            auto += result.Network.Evaluate(tasks.TargetTest).Accuracy!.Value / Seeds;
            scratch += Accuracy(seed, tasks, TransferStrategy.FromScratch) / Seeds;
        }

        refusals.Should().Be(Seeds, "condition (c) fails on every unrelated pair");
        // Auto replaces FromScratch beyond 0.5 paired standard errors (on TransferBench's Fashion-MNIST set-ups, at 1.5 it
        // dropped a frozen body that wins by 2 points near a ceiling on one seed in two); on these 50-example synthetic
        // targets that costs a fine-tune on one seed of five, 1.4 points on the mean.
        auto.Should().BeGreaterThanOrEqualTo(scratch - 0.02, $"Auto averaged {auto:P1} and FromScratch {scratch:P1}; Auto picked {string.Join(", ", picks)}");
        picks.Count(p => p == nameof(TransferStrategy.FromScratch)).Should().BeGreaterThanOrEqualTo(4, "the pretrained network does not help these targets");
    }

    private double Accuracy(int seed, TransferTasks tasks, TransferStrategy? strategy) =>
        Transfer(seed, tasks, strategy is null ? TransferPolicy.Auto() : TransferPolicy.Fixed(strategy)).Network.Evaluate(tasks.TargetTest).Accuracy!.Value;

    private TransferResult Transfer(int seed, TransferTasks tasks, TransferPolicy policy)
    {
        var options = new TransferOptions
        {
            Seed = seed,
            Policy = policy,
            Training = new TrainingOptions { Epochs = 60, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 3e-3f }, Seed = seed },
        };
        return new TransferPipeline().Transfer(fixture.Networks[seed], tasks.Target, options);
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
                var options = new TrainingOptions { Epochs = 8, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 2e-3f }, Seed = seed };
                return pipeline.Pretrain(architecture, source, options);
            }).ToArray();
        }

        public IReadOnlyList<PretrainedNetwork> Networks { get; }
    }
}
