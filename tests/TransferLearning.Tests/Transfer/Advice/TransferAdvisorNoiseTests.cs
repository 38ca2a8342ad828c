using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// Noise cannot fool the advisor: on targets that nothing can predict (random labels, random regression
/// targets) condition (c) fails, and on the related synthetic tasks it still holds.
/// </summary>
public class TransferAdvisorNoiseTests(LatentPretrained fixture) : IClassFixture<LatentPretrained>
{
    private const int Targets = 20;

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(50)]
    [InlineData(1000)]
    public void Advise_RandomLabels_SaysFeaturesDoNotHelp(int count)
    {
        var inputs = LatentPretrained.Tasks(count / 5, related: true).Target.Features;
        int fooled = 0;
        var verdicts = new List<string>();
        for (int t = 0; t < Targets; t++)
        {
            var random = new Xoshiro256StarStar(1000 + t);
            var labels = Enumerable.Range(0, count).Select(_ => random.Next(5)).ToArray();
            var target = Dataset.ForClassification(inputs, labels, 5);

            var advice = new TransferAdvisor().Advise(fixture.Network, target);

            fooled += advice.FeaturesHelp.Holds == true ? 1 : 0;
            verdicts.Add(advice.FeaturesHelp.Evidence);
        }

        fooled.Should().BeLessThanOrEqualTo(1, $"random labels carry nothing to transfer; verdicts:{Environment.NewLine}{string.Join(Environment.NewLine, verdicts)}");
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(50)]
    [InlineData(1000)]
    public void Advise_RandomRegressionTargets_NeverSaysFeaturesHelp(int count)
    {
        var inputs = LatentPretrained.Tasks(count / 5, related: true).Target.Features;
        for (int t = 0; t < Targets; t++)
        {
            var random = new Xoshiro256StarStar(2000 + t);
            var y = Matrix<float>.Build.Dense(1, count, (_, _) => (float)MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
            var target = Dataset.ForRegression(inputs, y);

            var advice = new TransferAdvisor().Advise(fixture.Network, target);

            advice.FeaturesHelp.Holds.Should().BeFalse($"target {t} is noise: {advice.FeaturesHelp.Evidence}");
        }
    }

    // At 10 per class (50 examples) no honest test can show the gain (the interval is ±20 points wide):
    // the verdict waits for evidence, and the guarded policy acts on the estimate (DataSizePolicyGuardTests).
    [Theory]
    [InlineData(30)]
    [InlineData(100)]
    public void Advise_RelatedSyntheticTask_SaysFeaturesHelp(int perClass)
    {
        var target = LatentPretrained.Tasks(perClass, related: true).Target;

        var advice = new TransferAdvisor().Advise(fixture.Network, target);

        advice.FeaturesHelp.Holds.Should().BeTrue(advice.ToString());
        advice.Gain!.Lower.Should().BeGreaterThan(0);
        advice.Gain.StandardizedGain.Should().BeGreaterThan(advice.Gain.StandardizedPermutationBaseline);
        advice.Gain.Permutations.Should().Be(19);
        advice.FeaturesHelp.Reason.Should().BeEquivalentTo(new
        {
            Code = DecisionReasonCode.FeaturesHelp,
            Value = advice.Gain.Gain,
            Threshold = new AdvisorOptions().MinProbeGain,
        });
    }

    [Fact]
    public void Advise_UnrelatedSyntheticTask_SaysFeaturesDoNotHelp()
    {
        var target = LatentPretrained.Tasks(10, related: false).Target;

        var advice = new TransferAdvisor().Advise(fixture.Network, target);

        advice.FeaturesHelp.Holds.Should().BeFalse(advice.ToString());
    }
}
