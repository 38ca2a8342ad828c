using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;
using Xunit.Abstractions;

namespace TransferLearning.Tests.Transfer;

/// <summary>The defaults work on small targets: no tuning needed to get near the best fixed learning rate.</summary>
[Trait("Category", "Slow")]
public class TransferDefaultsTests(LatentPretrained fixture, ITestOutputHelper output) : IClassFixture<LatentPretrained>
{
    [Fact]
    public void Transfer_DefaultOptions_OnASmallEasyTarget_ReachNinetyPercentOfTheBestLearningRate()
    {
        // An easy binary target: 20 examples of each of two classes of the related synthetic task.
        var tasks = LatentPretrained.Tasks(20, related: true, testPerClass: 200);
        var target = tasks.Target.FilterClasses(0, 1);
        var test = tasks.TargetTest.FilterClasses(0, 1);
        var pipeline = new TransferPipeline();

        var byDefault = pipeline.Transfer(fixture.Network, target, new TransferOptions());
        double defaultAccuracy = byDefault.Network.Evaluate(test).Accuracy!.Value;
        var grid = new[] { 1e-4f, 1e-3f, 1e-2f, 1e-1f }.Select(rate =>
        {
            var options = new TransferOptions
            {
                Policy = TransferPolicy.Fixed(byDefault.Strategy),
                Training = new TransferOptions().Training with { Optimizer = new AdamOptions { LearningRate = rate } },
            };
            return (Rate: rate, Accuracy: pipeline.Transfer(fixture.Network, target, options).Network.Evaluate(test).Accuracy!.Value);
        }).ToArray();
        double best = grid.Max(g => g.Accuracy);
        output.WriteLine($"default ({byDefault.Strategy}, {byDefault.History.Epochs.Count} epochs): {defaultAccuracy:P1}; grid: {string.Join(", ", grid.Select(g => $"{g.Rate:G2} → {g.Accuracy:P1}"))}");

        defaultAccuracy.Should().BeGreaterThanOrEqualTo(0.9 * best, $"the grid's best reached {best:P1}");
        byDefault.Network.Evaluate(target).Accuracy!.Value.Should().BeGreaterThan(0.9, "an easy target is learned, not left at chance");
    }
}
