using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class DataSizePolicyTests
{
    // The DESIGN.md network 784 → 512 → 256 → (new) 10: kept layers 401,920 and 131,328 parameters, head 2,570.
    private static readonly long[] Body = [(784 * 512) + 512, (512 * 256) + 256];
    private const long Head = (256 * 10) + 10;

    private static TransferSituation Situation(long? source, int target, int classes = 10, int sourceInputs = 784, int targetInputs = 784) =>
        new(sourceInputs, source, targetInputs, target, classes, Body, Head);

    [Fact]
    public void Decide_MillionSource_HundredTarget_HeadOnly()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(1_000_000, 100));

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        string text = string.Join(" ", decision.Reasons);
        text.Should().Contain("1,000,000").And.Contain("100 target examples").And.Contain("10.0 per class").And.Contain("10,000:1").And.Contain("2,570 parameters");
    }

    [Fact]
    public void Decide_HundredSource_ThousandTarget_FromScratch_WithTheReason()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(100, 1000));

        decision.Strategy.Should().Be(TransferStrategy.FromScratch);
        string text = string.Join(" ", decision.Reasons);
        text.Should().Contain("ratio 0.1:1").And.Contain("below the 10:1").And.Contain("worth more than a source example");
    }

    [Fact]
    public void Decide_MillionSource_HundredThousandTarget_FullFineTune()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(1_000_000, 100_000));

        decision.Strategy.Should().Be(TransferStrategy.FullFineTune);
        string.Join(" ", decision.Reasons).Should().Contain("535,818 parameters").And.Contain("10,000.0 per class");
    }

    [Fact]
    public void Decide_DifferentInputSizes_IsRefused()
    {
        var act = () => DataSizePolicy.Default.Decide(Situation(1_000_000, 100, targetInputs: 100));

        act.Should().Throw<ArgumentException>().WithParameterName("situation")
            .WithMessage("*same input x*784*100*");
    }

    [Theory]
    [InlineData(9_999, 1000, "FromScratch")]     // ratio 9.999 < 10
    [InlineData(10_000, 1000, "HeadOnly")]       // ratio exactly 10: transfer; 100 per class but 1,000 < 6,695 needed for LastLayers(1)
    [InlineData(10_000_000, 6_690, "HeadOnly")]  // 669 per class; LastLayers(1) needs ⌈133,898 × 0.05⌉ = 6,695
    [InlineData(10_000_000, 6_700, "LastLayers(1)")]
    [InlineData(10_000_000, 26_780, "LastLayers(1)")] // full needs ⌈535,818 × 0.05⌉ = 26,791
    [InlineData(10_000_000, 26_800, "FullFineTune")]
    [InlineData(10_000_000, 9_990, "LastLayers(1)")] // 999 per class < 1,000 for full, whatever the parameter count
    public void Decide_Boundaries(long source, int target, string expected)
    {
        DataSizePolicy.Default.Decide(Situation(source, target)).Strategy.ToString().Should().Be(expected);
    }

    [Fact]
    public void Decide_DeepBody_CanChooseLastTwoLayers()
    {
        // Four kept layers of 10,000 parameters each, head 1,000: LastLayers(2) trains 21,000, full 41,000.
        var situation = new TransferSituation(100, 1_000_000, 100, 2_000, 10, [10_000, 10_000, 10_000, 10_000], 1_000);

        DataSizePolicy.Default.Decide(situation).Strategy.Should().Be(TransferStrategy.LastLayers(2));
    }

    [Fact]
    public void Decide_LastLayersNeedsPerClassExamples_NotOnlyRawCount()
    {
        // 2,000 examples but 200 classes: 10 per class is below the 100 per class the last layers need.
        var situation = new TransferSituation(100, 1_000_000, 100, 2_000, 200, [10_000, 10_000, 10_000, 10_000], 1_000);

        DataSizePolicy.Default.Decide(situation).Strategy.Should().Be(TransferStrategy.HeadOnly);
    }

    [Fact]
    public void Decide_OneRareClass_HoldsBackLikeLittleData()
    {
        // 10,000 examples, but one of the 10 classes has only 5: the rules look at the smallest class.
        var balanced = new TransferSituation(784, 10_000_000, 784, 10_000, 10, Body, Head);
        var skewed = new TransferSituation(784, 10_000_000, 784, 10_000, 10, Body, Head, targetSmallestClassCount: 5);

        DataSizePolicy.Default.Decide(balanced).Strategy.Should().Be(TransferStrategy.LastLayers(1));
        var decision = DataSizePolicy.Default.Decide(skewed);
        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        string.Join(" ", decision.Reasons).Should().Contain("only 5 in the smallest");
    }

    [Fact]
    public void Decide_UnknownSourceCount_SaysSoAndDecidesOnTheTarget()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(null, 100));

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        string.Join(" ", decision.Reasons).Should().Contain("unknown");
    }

    [Fact]
    public void Thresholds_AreOverridable()
    {
        var lenient = new DataSizePolicy { MinSourceToTargetRatio = 0.01, FullFineTuneMinExamplesPerClass = 0, MinExamplesPerTrainedParameter = 0 };

        lenient.Decide(Situation(100, 1000)).Strategy.Should().Be(TransferStrategy.FullFineTune);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var policy = DataSizePolicy.Default;

        policy.MinSourceToTargetRatio.Should().Be(10);
        policy.FullFineTuneMinExamplesPerClass.Should().Be(1000);
        policy.LastLayersMinExamplesPerClass.Should().Be(100);
        policy.MinExamplesPerTrainedParameter.Should().Be(0.05);
        policy.MaxLastLayers.Should().Be(2);
    }

    [Fact]
    public void Thresholds_RejectNonsense()
    {
        ((Action)(() => _ = new DataSizePolicy { MinSourceToTargetRatio = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinSourceToTargetRatio");
        ((Action)(() => _ = new DataSizePolicy { MaxLastLayers = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxLastLayers");
        ((Action)(() => _ = new DataSizePolicy { MinExamplesPerTrainedParameter = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinExamplesPerTrainedParameter");
    }
}
