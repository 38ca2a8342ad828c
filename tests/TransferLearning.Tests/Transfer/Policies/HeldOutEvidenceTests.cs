using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// <see cref="HeldOutEvidence.Measure"/> trains a small target's folds at once (<see cref="HeldOutEvidence.MaxConcurrentFolds"/>):
/// the held-out outputs are those of one fold after another, to the bit, and a fold whose training diverges stops the
/// measurement with its own exception, not an <see cref="AggregateException"/>.
/// </summary>
public class HeldOutEvidenceTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private static readonly TransferOptions Options = new() { Seed = 5, Training = new TrainingOptions { Epochs = 4, BatchSize = 16 } };

    [SkippableTheory]
    [InlineData("FromScratch")]
    [InlineData("HeadOnly")]
    [InlineData("FullFineTune")]
    public void Measure_FoldsAtOnce_SameHeldOutOutputsAsOneFoldAtATime(string name)
    {
        Skip.If(Environment.ProcessorCount < 2, "One core: the folds train one after another here.");
        var strategy = name switch
        {
            "FromScratch" => TransferStrategy.FromScratch,
            "HeadOnly" => TransferStrategy.HeadOnly,
            _ => TransferStrategy.FullFineTune,
        };
        var target = LatentPretrained.Tasks(12, related: true).Target;
        var context = Context(target, Options);
        var together = HeldOutEvidence.Plan(context, 5);
        var oneByOne = HeldOutEvidence.Plan(context, 5);

        together.Measure(context, strategy, 5);
        for (int f = 0; f < 5; f++)
        {
            oneByOne.Measure(context, strategy, f + 1);   // one new fold a call: the sequential path
            oneByOne.FoldsScored(strategy).Should().Be(f + 1);
        }

        together.FoldsScored(strategy).Should().Be(5);
        // The mean probability of the true class moves with any output's last bit; the accuracy too, for good measure.
        together.Score(strategy, CandidateMetrics.Soft).Should().Be(oneByOne.Score(strategy, CandidateMetrics.Soft));
        together.Score(strategy, TransferMetric.Accuracy).Should().Be(oneByOne.Score(strategy, TransferMetric.Accuracy));
        together.Score(strategy, CandidateMetrics.Soft).Should().BeInRange(0.0, 1.0).And.NotBe(0.5, "the outputs are a trained network's");
    }

    [SkippableFact]
    public void Measure_FoldsAtOnce_TheComparisonIsTheSameAsOneFoldAtATime()
    {
        Skip.If(Environment.ProcessorCount < 2, "One core: the folds train one after another here.");
        var target = LatentPretrained.Tasks(12, related: true).Target;
        var context = Context(target, Options);
        var together = HeldOutEvidence.Plan(context, 5);
        var oneByOne = HeldOutEvidence.Plan(context, 5);
        foreach (var strategy in new[] { TransferStrategy.HeadOnly, TransferStrategy.FromScratch })
        {
            together.Measure(context, strategy, 5);
            for (int f = 0; f < 5; f++)
            {
                oneByOne.Measure(context, strategy, f + 1);
            }
        }

        var expected = oneByOne.Compare(TransferStrategy.HeadOnly, TransferStrategy.FromScratch, CandidateMetrics.Soft, 3);

        together.Compare(TransferStrategy.HeadOnly, TransferStrategy.FromScratch, CandidateMetrics.Soft, 3).Should().Be(expected);
        expected.StandardError.Should().BePositive().And.NotBe(double.PositiveInfinity);
    }

    [SkippableFact]
    public void MeasureEach_TwoCandidatesAtOnce_SameOutputsAsOneAfterTheOther_OnALargeTargetsOneFold()
    {
        Skip.If(Environment.ProcessorCount < 2, "One core: the candidates train one after another here.");
        var target = LatentPretrained.Tasks(40, related: true).Target;
        var context = Context(target, Options);
        var together = HeldOutEvidence.Plan(context, 3, trainOnOneFold: true);
        var apart = HeldOutEvidence.Plan(context, 3, trainOnOneFold: true);

        var diverged = together.MeasureEach(context, [(TransferStrategy.FullFineTune, 1, 0.6), (TransferStrategy.FromScratch, 1, 0.6)]);
        apart.Measure(context, TransferStrategy.FullFineTune, 1, 0.6);
        apart.Measure(context, TransferStrategy.FromScratch, 1, 0.6);

        diverged.Should().OnlyContain(e => e == null).And.HaveCount(2);
        foreach (var strategy in new[] { TransferStrategy.FullFineTune, TransferStrategy.FromScratch })
        {
            together.FoldsScored(strategy).Should().Be(1);
            together.Score(strategy, CandidateMetrics.Soft).Should().Be(apart.Score(strategy, CandidateMetrics.Soft), "{0}", strategy);
        }
    }

    [Fact]
    public void MeasureEach_OneCandidateDiverges_ItIsReturnedAndForgotten_TheOtherIsMeasured()
    {
        var (context, evidence) = ExplodingSmallTarget();

        var diverged = evidence.MeasureEach(context, [(TransferStrategy.FullFineTune, 5, 1.0), (TransferStrategy.HeadOnly, 5, 1.0)]);

        diverged[0].Should().BeOfType<TrainingDivergedException>();
        diverged[1].Should().BeNull();
        evidence.FoldsScored(TransferStrategy.FullFineTune).Should().Be(0, "a diverged candidate is forgotten");
        evidence.FoldsScored(TransferStrategy.HeadOnly).Should().Be(5);
    }

    [Fact]
    public void Measure_EveryFoldDiverges_ThrowsTrainingDivergedException_NotAnAggregate()
    {
        var (context, evidence) = ExplodingSmallTarget();

        var act = () => evidence.Measure(context, TransferStrategy.FullFineTune, 5);

        act.Should().Throw<TrainingDivergedException>();
    }

    [Fact]
    public void Measure_Cancelled_ThrowsOperationCanceledException()
    {
        var target = LatentPretrained.Tasks(12, related: true).Target;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var context = Context(target, Options) with { CancellationToken = cancel.Token };
        var evidence = HeldOutEvidence.Plan(context, 5);

        var act = () => evidence.Measure(context, TransferStrategy.FromScratch, 5);

        act.Should().Throw<OperationCanceledException>();
        evidence.FoldsScored(TransferStrategy.FromScratch).Should().Be(0);
    }

    // The pretrained layers at 10⁶ × the rate: FullFineTune diverges on every fold of 12 per class; HeadOnly trains.
    private (TransferContext Context, HeldOutEvidence Evidence) ExplodingSmallTarget()
    {
        var exploding = new TransferOptions { PretrainedLearningRateScale = 1e6f, Training = new TrainingOptions { Epochs = 5, BatchSize = 16, Optimizer = new SgdOptions { LearningRate = 0.5f } } };
        var context = Context(LatentPretrained.Tasks(12, related: true).Target, exploding);
        return (context, HeldOutEvidence.Plan(context, 5));
    }

    private TransferContext Context(Dataset target, TransferOptions options)
    {
        var setup = TransferSetup.For(fixture.Network.Network, target, options) with { SourceExampleCount = fixture.Network.SourceExampleCount };
        return new TransferContext(setup, target, setup.Situation(target), strategy => new TransferRun(setup, strategy), CancellationToken.None);
    }
}
