using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The loader on the real, full Fashion-MNIST (skipped visibly when it is not installed; a failure under CI=true).</summary>
[Trait("Category", "Slow")]
public class FashionMnistIntegrationTests
{
    [SkippableFact]
    public void Load_FullDataSet_HasTheOfficialCountsBalanceAndPixelRange()
    {
        var data = FashionMnistFixture.Require();

        data.IsFullSet.Should().BeTrue();
        data.Train.Count.Should().Be(60_000);
        data.Test.Count.Should().Be(10_000);
        data.Train.FeatureCount.Should().Be(784);
        data.Train.CountPerClass().Should().AllBeEquivalentTo(6_000);
        data.Test.CountPerClass().Should().AllBeEquivalentTo(1_000);
        data.Train.Labels[0].Should().Be(9, "the first training image is an ankle boot");
        data.Test.Labels[0].Should().Be(9, "so is the first test image");
        var pixels = data.Train.Features.Column(0);
        pixels.Minimum().Should().Be(0f);
        pixels.Maximum().Should().Be(1f, "the brightest pixel of an image is 255, scaled to 1");
    }
}
