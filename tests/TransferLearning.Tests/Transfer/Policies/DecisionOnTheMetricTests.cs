using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>Decisions score their candidates on the user's metric, say which, and break ties on the true-class probability.</summary>
public class DecisionOnTheMetricTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void Default_ScoresOnTheCallersMetric_AndSaysWhich()
    {
        var target = LatentPretrained.Tasks(30, related: true).Target;

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Metric = TransferMetric.BalancedAccuracy });

        decision.Metric.Should().BeSameAs(TransferMetric.BalancedAccuracy);
        decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.CandidatesMeasured).Which.Text.Should().Contain("held-out BalancedAccuracy");
    }

    [Fact]
    public void Default_WithoutAMetric_UsesTheTargetsDefault()
    {
        var target = LatentPretrained.Tasks(30, related: true).Target;

        _pipeline.Decide(fixture.Network, target).Metric.Should().BeSameAs(TransferMetric.DefaultFor(target));
        _pipeline.Decide(fixture.Network, target, new TransferOptions { Policy = DataSizePolicy.RuleOfThumb }).Metric.Should().BeNull("the counts alone measure nothing");
    }

    [Fact]
    public void Auto_ScoresEveryCandidateOnTheCallersMetric()
    {
        var target = LatentPretrained.Tasks(20, related: true).Target;
        var custom = TransferMetric.Custom("minus errors", (outputs, truth) =>
        {
            int wrong = 0;
            for (int j = 0; j < truth.Count; j++)
            {
                wrong += outputs.Column(j).MaximumIndex() == truth.Labels[j] ? 0 : 1;
            }

            return -wrong;
        });
        var auto = new AutoSelectionOptions { Candidates = [TransferStrategy.FromScratch, TransferStrategy.HeadOnly] };

        var decision = _pipeline.Decide(fixture.Network, target, new TransferOptions { Metric = custom, Policy = TransferPolicy.Auto(auto) });

        decision.Metric.Should().BeSameAs(custom);
        decision.Candidates.Should().OnlyContain(c => c.Metric == "minus errors" && c.Score <= 0 && c.Score == Math.Round(c.Score), "the score is minus a count of errors on the held-out examples");
    }

    [Fact]
    public void AMetricThatDoesNotFitTheTarget_IsRefused_NamingTheOptions()
    {
        var target = LatentPretrained.Tasks(10, related: true).Target;

        var act = () => _pipeline.Decide(fixture.Network, target, new TransferOptions { Metric = TransferMetric.RSquared });

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("options");
    }

    [Fact]
    public void AMetricThatScoresNaN_IsRefused_NotComparedSilently()
    {
        var target = LatentPretrained.Tasks(10, related: true).Target;
        var broken = TransferMetric.Custom("always NaN", (_, _) => double.NaN);

        var act = () => _pipeline.Decide(fixture.Network, target, new TransferOptions { Metric = broken });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "options" && e.Message.Contains("always NaN", StringComparison.Ordinal));
    }

    [Fact]
    public void TrueClassProbability_WeighsEachClassEqually_AndReadsOneSigmoidUnit()
    {
        var three = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4), [0, 1, 2, 2]);
        var outputs = Matrix<float>.Build.DenseOfColumnArrays([0.8f, 0.1f, 0.1f], [0.6f, 0.3f, 0.1f], [0.1f, 0.2f, 0.7f], [0.2f, 0.5f, 0.3f]);
        CandidateMetrics.TrueClassProbability(outputs, three).Should().BeApproximately((0.8 + 0.3 + ((0.7 + 0.3) / 2)) / 3, 1e-6);

        var binary = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 3), [0, 0, 1]);
        var sigmoid = Matrix<float>.Build.DenseOfRowArrays([0.2f, 0.4f, 0.9f]);
        CandidateMetrics.TrueClassProbability(sigmoid, binary).Should().BeApproximately((((0.8 + 0.6) / 2) + 0.9) / 2, 1e-6, "class 0's probability is 1 − a");
    }
}
