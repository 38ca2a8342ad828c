using System.Diagnostics;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;
using Xunit.Abstractions;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// Decisions that hold on real data: Fashion-MNIST classes 0–4 (30,000 images) pretrain a 784-512-256 ReLU
/// body; classes 5–9 with N examples per class are the target, scored on all 5,000 of their test images.
/// Each strategy of a row is trained once (default TransferOptions, seeded by TransferOptions.Seed); the
/// guarded DataSizePolicy.Default and Auto are asked what they decide (TransferPipeline.Decide, which for Auto
/// runs its whole measurement) and scored by the run of the strategy they pick — the same run a transfer
/// with that policy trains, which <see cref="Transfer_WithAPolicy_TrainsExactlyTheRunOfTheStrategyItPicks"/> checks.
/// </summary>
[Trait("Category", "Slow")]
public class FashionMnistDecisionTests(ITestOutputHelper output)
{
    private static readonly TransferStrategy[] Strategies =
        [TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1), TransferStrategy.FullFineTune, TransferStrategy.TwoPhase];

    private static readonly Lazy<Split> Shared = new(() => new Split(FashionMnistFixture.Require()));

    [SkippableFact]
    public void DefaultPolicyAndAuto_StayWithinTwoPointsOfFromScratch_AndThreeOfTheRowsBest()
    {
        var split = Shared.Value;
        var rows = new (int PerClass, int Seeds)[] { (10, 3), (30, 3), (100, 3), (300, 3), (1000, 1) };
        var failures = new List<string>();
        output.WriteLine($"Pretrained on {split.Source.Count:N0} source images in {split.PretrainSeconds:F1} s; source test accuracy {split.SourceAccuracy:P1}; target test images {split.Test.Count:N0}.");
        output.WriteLine("| N/class | " + string.Join(" | ", Strategies.Select(s => s.ToString())) + " | Default (its picks) | Auto (its picks) | Auto s / slowest s |");
        foreach (var (perClass, seeds) in rows)
        {
            var accuracy = new double[Strategies.Length];
            double guarded = 0;
            double auto = 0;
            var guardedPicks = new List<string>();
            var autoPicks = new List<string>();
            var autoCost = new List<string>();
            for (int seed = 0; seed < seeds; seed++)
            {
                var target = split.Pool.TakePerClass(perClass, seed);
                var options = new TransferOptions { Seed = seed };
                var scores = new double[Strategies.Length];
                double slowest = 0;
                for (int s = 0; s < Strategies.Length; s++)
                {
                    var clock = Stopwatch.StartNew();
                    var result = split.Pipeline.Transfer(split.Pretrained, target, options with { Policy = TransferPolicy.Fixed(Strategies[s]) });
                    slowest = Math.Max(slowest, clock.Elapsed.TotalSeconds);
                    scores[s] = result.Network.Evaluate(split.Test).Accuracy!.Value;
                    accuracy[s] += scores[s] / seeds;
                }

                var guardedChoice = split.Pipeline.Decide(split.Pretrained, target, options with { Policy = DataSizePolicy.Default }).Strategy;
                var autoClock = Stopwatch.StartNew();
                var autoChoice = split.Pipeline.Decide(split.Pretrained, target, options with { Policy = TransferPolicy.Auto() }).Strategy;
                double autoSeconds = autoClock.Elapsed.TotalSeconds;
                guarded += scores[Array.IndexOf(Strategies, guardedChoice)] / seeds;
                auto += scores[Array.IndexOf(Strategies, autoChoice)] / seeds;
                guardedPicks.Add(guardedChoice.ToString());
                autoPicks.Add(autoChoice.ToString());
                autoCost.Add(Invariant($"{autoSeconds:F1}/{slowest:F1}"));
            }

            double scratch = accuracy[0];
            double best = accuracy.Max();
            output.WriteLine(Invariant(
                $"| {perClass} | {string.Join(" | ", accuracy.Select(a => a.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))} | {guarded:F3} ({string.Join(", ", guardedPicks)}) | {auto:F3} ({string.Join(", ", autoPicks)}) | {string.Join(", ", autoCost)} |"));
            foreach (var (name, score) in new[] { ("DataSizePolicy.Default", guarded), ("Auto", auto) })
            {
                if (score < scratch - 0.02 || score < best - 0.03)
                {
                    failures.Add(Invariant($"{name} at {perClass} per class scored {score:F3}: FromScratch {scratch:F3}, best {best:F3}."));
                }
            }
        }

        failures.Should().BeEmpty();
    }

    [SkippableFact]
    public void Transfer_WithAPolicy_TrainsExactlyTheRunOfTheStrategyItPicks()
    {
        var split = Shared.Value;
        var target = split.Pool.TakePerClass(10, seed: 0);
        var options = new TransferOptions { Seed = 0, Policy = DataSizePolicy.Default };

        var result = split.Pipeline.Transfer(split.Pretrained, target, options);
        var fixedRun = split.Pipeline.Transfer(split.Pretrained, target, options with { Policy = TransferPolicy.Fixed(result.Strategy) });

        result.Strategy.Should().Be(TransferStrategy.FromScratch, result.Decision.ToString());
        result.Decision.Reasons[^2].Code.Should().Be(DecisionReasonCode.GainBeyondNoise, "HeadOnly lost to FromScratch on the held-out parts by more than the noise");
        result.Decision.Reasons[^2].Value.Should().BeNegative();
        result.Decision.Reasons[^1].Code.Should().Be(DecisionReasonCode.FromScratchForUnhelpfulFeatures);
        Weights.ShouldBeIdentical(Weights.Of(result.Network), Weights.Of(fixedRun.Network), "the policy only decides; the training is the strategy's");
    }

    private static string Invariant(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The 0–4 → 5–9 split and one pretrained network, made once per test run.</summary>
    private sealed class Split
    {
        public Split(FashionMnistData data)
        {
            Source = data.Train.FilterClasses(0, 1, 2, 3, 4);
            Pool = data.Train.FilterClasses(5, 6, 7, 8, 9);
            Test = data.Test.FilterClasses(5, 6, 7, 8, 9);
            var architecture = Network.Create(784, seed: 0)
                .Dense(512, Activation.ReLU)
                .Dense(256, Activation.ReLU)
                .Dense(5, Activation.Softmax);
            var clock = Stopwatch.StartNew();
            Pretrained = Pipeline.Pretrain(architecture, Source, new TrainingOptions { Epochs = 2, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f } });
            PretrainSeconds = clock.Elapsed.TotalSeconds;
            SourceAccuracy = Pretrained.Network.Evaluate(data.Test.FilterClasses(0, 1, 2, 3, 4)).Accuracy!.Value;
        }

        public TransferPipeline Pipeline { get; } = new();

        public Dataset Source { get; }

        public Dataset Pool { get; }

        public Dataset Test { get; }

        public PretrainedNetwork Pretrained { get; }

        public double PretrainSeconds { get; }

        public double SourceAccuracy { get; }
    }
}
