using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>The documented default of every option, and every validation message.</summary>
public class OptionsTests
{
    [Fact]
    public void TrainingOptions_Defaults_AreDocumentedValues()
    {
        var options = new TrainingOptions();

        options.Epochs.Should().Be(10);
        options.BatchSize.Should().Be(32);
        options.Optimizer.Should().BeOfType<AdamOptions>().Which.LearningRate.Should().Be(1e-3f);
        options.Schedule.Should().BeSameAs(LearningRateSchedule.Constant);
        options.Loss.Should().BeNull();
        options.Shuffle.Should().BeTrue();
        options.Seed.Should().Be(0);
        options.DivergenceCheckpointInterval.Should().Be(10);
        options.EarlyStopping.Should().BeNull();
        options.CacheFrozenFeatures.Should().BeTrue();
        options.ParameterGroups.Should().BeNull();
        options.ClassWeighting.Should().Be(ClassWeighting.None);
        new Trainer().Options.Should().Be(new TrainingOptions());
    }

    [Fact]
    public void SgdOptions_Defaults_ArePlainSgdWithoutDecay()
    {
        var options = new SgdOptions { LearningRate = 0.1f };

        options.Momentum.Should().Be(0f);
        options.Nesterov.Should().BeFalse();
        options.WeightDecay.Should().Be(0f);
        options.Should().Be(new SgdOptions { LearningRate = 0.1f });
        options.ToString().Should().Be("SGD(lr 0.1)");
        new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f, Nesterov = true, WeightDecay = 0.5f }.ToString().Should().Be("SGD(lr 0.01, momentum 0.9, Nesterov, weight decay 0.5)");
    }

    [Fact]
    public void AdamOptions_Defaults_AreTheUsualBetasAndEpsilon()
    {
        var options = new AdamOptions { LearningRate = 1e-3f };

        options.LearningRate.Should().Be(1e-3f);
        options.Beta1.Should().Be(0.9f);
        options.Beta2.Should().Be(0.999f);
        options.Epsilon.Should().Be(1e-8f);
        options.WeightDecay.Should().Be(0f);
        options.Should().Be(new AdamOptions { LearningRate = 1e-3f });
    }

    [Fact]
    public void EarlyStoppingOptions_Defaults_PatienceFiveNoDeltaRestoreBest()
    {
        var options = new EarlyStoppingOptions();

        options.Patience.Should().Be(5);
        options.MinDelta.Should().Be(0f);
        options.RestoreBest.Should().BeTrue();
    }

    [Fact]
    public void ParameterGroup_Defaults_ScaleOneOptimizerDecayNoAnchor()
    {
        var group = new ParameterGroup(FrozenLayerTests.MakeNetwork().Parameters);

        group.LearningRateScale.Should().Be(1f);
        group.WeightDecay.Should().BeNull();
        group.AnchorDecay.Should().Be(0f);
        group.Parameters.Should().HaveCount(6);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void TrainingOptions_EpochsBelowOne_ThrowsNamingEpochs(int epochs) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new TrainingOptions { Epochs = epochs }, "Epochs", "at least 1", $"got {epochs}");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void TrainingOptions_BatchSizeBelowOne_ThrowsNamingBatchSize(int batchSize) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new TrainingOptions { BatchSize = batchSize }, "BatchSize", "at least 1", $"got {batchSize}");

    [Fact]
    public void TrainingOptions_UndefinedClassWeighting_ThrowsNamingClassWeighting() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new TrainingOptions { ClassWeighting = (ClassWeighting)7 }, "ClassWeighting", "None or ClassWeighting.Balanced", "got 7");

    [Fact]
    public void TrainingOptions_NullOptimizerOrSchedule_ThrowsArgumentNull()
    {
        Throws.Argument<ArgumentNullException>(() => _ = new TrainingOptions { Optimizer = null! }, "Optimizer");
        Throws.Argument<ArgumentNullException>(() => _ = new TrainingOptions { Schedule = null! }, "Schedule");
    }

    public static TheoryData<float, string> BadLearningRates() => new()
    {
        { 0f, "got 0" },
        { -0.1f, "-0.1" },
        { float.NaN, "NaN" },
        { float.PositiveInfinity, "Infinity" },
    };

    [Theory]
    [MemberData(nameof(BadLearningRates))]
    public void LearningRate_NotFinitePositive_ThrowsNamingLearningRate(float rate, string shown)
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new SgdOptions { LearningRate = rate }, "LearningRate", "greater than 0", shown);
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new AdamOptions { LearningRate = rate }, "LearningRate", "greater than 0", shown);
    }

    [Theory]
    [InlineData(-0.01f, "-0.01")]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void WeightDecay_NotFiniteNonNegative_ThrowsNamingWeightDecay(float decay, string shown)
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new SgdOptions { LearningRate = 0.1f, WeightDecay = decay }, "WeightDecay", "at least 0", shown);
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new AdamOptions { LearningRate = 1e-3f, WeightDecay = decay }, "WeightDecay", "at least 0", shown);
    }

    [Theory]
    [InlineData(-0.1f, "-0.1")]
    [InlineData(1f, "got 1")]
    [InlineData(1.5f, "1.5")]
    [InlineData(float.NaN, "NaN")]
    public void Momentum_OutsideZeroToOne_ThrowsNamingMomentum(float momentum, string shown)
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new SgdOptions { LearningRate = 0.1f, Momentum = momentum }, "Momentum", "[0, 1)", shown);
    }

    [Fact]
    public void SgdOptions_NesterovWithoutMomentum_CreateThrowsNamingNesterov() =>
        Throws.Argument<ArgumentException>(
            () => new SgdOptions { LearningRate = 0.1f, Nesterov = true }.Create([new ParameterGroup(FrozenLayerTests.MakeNetwork().Parameters)]),
            "Nesterov",
            "Momentum > 0");

    [Fact]
    public void AdamOptions_BetasAndEpsilonOutOfRange_ThrowNamingThem()
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new AdamOptions { LearningRate = 1e-3f, Beta1 = 1f }, "Beta1", "[0, 1)", "got 1");
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new AdamOptions { LearningRate = 1e-3f, Beta2 = -0.5f }, "Beta2", "[0, 1)", "-0.5");
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new AdamOptions { LearningRate = 1e-3f, Epsilon = 0f }, "Epsilon", "greater than 0", "got 0");
    }

    [Fact]
    public void EarlyStoppingOptions_OutOfRange_ThrowNamingThem()
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new EarlyStoppingOptions { Patience = 0 }, "Patience", "at least 1", "got 0");
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new EarlyStoppingOptions { MinDelta = -1f }, "MinDelta", "at least 0", "-1");
    }

    [Fact]
    public void Schedules_ArgumentsOutOfRange_ThrowNamingThem()
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(0), "stepSize", "at least 1", "got 0");
        Throws.Argument<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(2, gamma: 0f), "gamma", "(0, 1]", "got 0");
        Throws.Argument<ArgumentOutOfRangeException>(() => LearningRateSchedule.Step(2, gamma: 1.5f), "gamma", "(0, 1]", "1.5");
        Throws.Argument<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(1f), "minFactor", "[0, 1)", "got 1");
    }

    [Fact]
    public void LearningRateFactor_Negative_ThrowsAndDefaultIsOne()
    {
        var optimizer = new AdamOptions { LearningRate = 1e-3f }.Create([new ParameterGroup(FrozenLayerTests.MakeNetwork().Parameters)]);

        optimizer.LearningRateFactor.Should().Be(1f);
        optimizer.StepCount.Should().Be(0);
        Throws.Argument<ArgumentOutOfRangeException>(() => optimizer.LearningRateFactor = -1f, "value", "at least 0", "-1");
    }
}
