using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class DataSizePolicyTests
{
    // The DESIGN.md network 784 → 512 → 256 → (new) 10: kept layers 401,920 and 131,328 parameters, head 2,570.
    private static readonly long[] Body = [(784 * 512) + 512, (512 * 256) + 256];
    private const long Head = (256 * 10) + 10;

    private static TransferSituation Situation(long? source, int target, int classes = 10, int sourceInputs = 784, int targetInputs = 784) => new()
    {
        SourceInputSize = sourceInputs,
        SourceExampleCount = source,
        TargetInputSize = targetInputs,
        TargetExampleCount = target,
        TargetClassCount = classes,
        PretrainedLayerParameterCounts = Body,
        NewLayerParameterCount = Head,
    };

    private static TransferSituation DeepBody(int classes) => new()
    {
        SourceInputSize = 100,
        SourceExampleCount = 1_000_000,
        TargetInputSize = 100,
        TargetExampleCount = 2_000,
        TargetClassCount = classes,
        PretrainedLayerParameterCounts = [10_000, 10_000, 10_000, 10_000],
        NewLayerParameterCount = 1_000,
    };

    [Fact]
    public void Decide_MillionSource_HundredTarget_HeadOnly()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(1_000_000, 100));

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons.Select(r => r.Code).Should().Equal(
            DecisionReasonCode.SameInput,
            DecisionReasonCode.EnoughSourceData,
            DecisionReasonCode.TooFewExamplesPerClass,
            DecisionReasonCode.TooFewExamplesPerClass,
            DecisionReasonCode.LittleTargetData);
        decision.Reasons[0].Should().BeEquivalentTo(new { Value = 784.0, Threshold = 784.0 });
        decision.Reasons[1].Should().BeEquivalentTo(new { Value = 10_000.0, Threshold = 10.0 }, "1,000,000 source examples against 100 target examples");
        decision.Reasons[2].Should().BeEquivalentTo(new { Strategy = TransferStrategy.FullFineTune, Value = 10.0, Threshold = 1000.0 });
        decision.Reasons[3].Should().BeEquivalentTo(new { Strategy = TransferStrategy.LastLayers(1), Value = 10.0, Threshold = 100.0 });
        decision.Reasons[4].Should().BeEquivalentTo(new { Strategy = TransferStrategy.HeadOnly, Value = 10.0, Threshold = 100.0 });
    }

    [Fact]
    public void Decide_HundredSource_ThousandTarget_FromScratch_WithTheReason()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(100, 1000));

        decision.Strategy.Should().Be(TransferStrategy.FromScratch);
        decision.Reasons.Select(r => r.Code).Should().Equal(
            DecisionReasonCode.SameInput, DecisionReasonCode.TooLittleSourceData, DecisionReasonCode.FromScratchForLittleSourceData);
        decision.Reasons[1].Should().BeEquivalentTo(new { Value = 0.1, Threshold = 10.0 });
        decision.Reasons[2].Strategy.Should().Be(TransferStrategy.FromScratch);
    }

    [Fact]
    public void Decide_MillionSource_HundredThousandTarget_FullFineTune()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(1_000_000, 100_000));

        decision.Strategy.Should().Be(TransferStrategy.FullFineTune);
        decision.Reasons[^1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.StrategyNeedsMet, Strategy = TransferStrategy.FullFineTune, Value = 10_000.0, Threshold = 1000.0 });
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
        var decision = DataSizePolicy.Default.Decide(DeepBody(classes: 10));

        decision.Strategy.Should().Be(TransferStrategy.LastLayers(2));
        decision.Reasons[^2].Should().BeEquivalentTo(new { Code = DecisionReasonCode.TooFewExamplesPerClass, Strategy = TransferStrategy.FullFineTune, Value = 200.0, Threshold = 1000.0 });
        decision.Reasons[^1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.StrategyNeedsMet, Strategy = TransferStrategy.LastLayers(2), Value = 200.0, Threshold = 100.0 });
    }

    [Fact]
    public void Decide_LastLayersNeedsPerClassExamples_NotOnlyRawCount()
    {
        // 2,000 examples but 200 classes: 10 per class is below the 100 per class the last layers need.
        var decision = DataSizePolicy.Default.Decide(DeepBody(classes: 200));

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons.Where(r => r.Code == DecisionReasonCode.TooFewExamplesPerClass && r.Strategy is not null && r.Strategy.FreezesPretrainedLayers)
            .Should().HaveCount(2).And.OnlyContain(r => r.Value == 10 && r.Threshold == 100, "LastLayers(2) and LastLayers(1) each need 100 per class and the target has 10");
    }

    [Fact]
    public void Decide_OneRareClass_HoldsBackLikeLittleData()
    {
        // 10,000 examples, but one of the 10 classes has only 5: the rules look at the smallest class.
        var balanced = Situation(10_000_000, 10_000);
        var skewed = balanced with { TargetSmallestClassCount = 5 };

        DataSizePolicy.Default.Decide(balanced).Strategy.Should().Be(TransferStrategy.LastLayers(1));
        var decision = DataSizePolicy.Default.Decide(skewed);
        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons.Where(r => r.Code == DecisionReasonCode.TooFewExamplesPerClass).Should().OnlyContain(r => r.Value == 5, "the rules use the smallest class's 5 examples, not the mean of 1,000");
        decision.Reasons[^1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.LittleTargetData, Value = 5.0 });
    }

    [Fact]
    public void Decide_UnknownSourceCount_SaysSoAndDecidesOnTheTarget()
    {
        var decision = DataSizePolicy.Default.Decide(Situation(null, 100));

        decision.Strategy.Should().Be(TransferStrategy.HeadOnly);
        decision.Reasons[1].Should().BeEquivalentTo(new { Code = DecisionReasonCode.SourceCountUnknown, Value = 100.0, Threshold = 10.0 });
    }

    [Fact]
    public void Thresholds_AreOverridable()
    {
        var lenient = new DataSizePolicy
        {
            FeatureCheck = DataSizePolicy.Default.FeatureCheck with { MinSourceToTargetRatio = 0.01 },
            FullFineTuneMinExamplesPerClass = 0,
            MinExamplesPerTrainedParameter = 0,
        };

        lenient.Decide(Situation(100, 1000)).Strategy.Should().Be(TransferStrategy.FullFineTune);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var policy = DataSizePolicy.Default;

        policy.FeatureCheck.MinSourceToTargetRatio.Should().Be(10);
        policy.FullFineTuneMinExamplesPerClass.Should().Be(1000);
        policy.LastLayersMinExamplesPerClass.Should().Be(100);
        policy.MinExamplesPerTrainedParameter.Should().Be(0.05);
        policy.MaxLastLayers.Should().Be(2);
    }

    [Fact]
    public void Thresholds_RejectNonsense()
    {
        ((Action)(() => _ = new DataSizePolicy { MaxLastLayers = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxLastLayers");
        ((Action)(() => _ = new DataSizePolicy { MinExamplesPerTrainedParameter = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinExamplesPerTrainedParameter");
    }

    [Fact]
    public void Situation_RejectsNonsense_ByName()
    {
        var situation = Situation(1_000_000, 100);

        ((Action)(() => _ = situation with { SourceInputSize = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("SourceInputSize");
        ((Action)(() => _ = situation with { SourceExampleCount = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("SourceExampleCount");
        ((Action)(() => _ = situation with { TargetClassCount = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("TargetClassCount");
        ((Action)(() => _ = situation with { NewLayerParameterCount = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("NewLayerParameterCount");
        ((Action)(() => _ = situation with { PretrainedLayerParameterCounts = null! })).Should().Throw<ArgumentNullException>().WithParameterName("PretrainedLayerParameterCounts");
        ((Action)(() => DataSizePolicy.Default.Decide(situation with { TargetSmallestClassCount = 101 }))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("situation");
    }
}
