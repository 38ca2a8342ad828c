using TransferLearning.Training;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

public class TransferBadInputTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void Transfer_TargetInputSizeDiffersFromSource_NamesTargetAndBothSizes()
    {
        var target = Dataset.ForClassification(Matrix<float>.Build.Dense(31, 4), [0, 1, 0, 1]);

        var act = () => _pipeline.Transfer(fixture.Pretrained, target);

        act.Should().Throw<ArgumentException>().WithParameterName("target").WithMessage("*same input x*32 features*got 31*");
    }

    [Fact]
    public void Transfer_NullTarget_Throws()
    {
        var act = () => _pipeline.Transfer(fixture.Pretrained, null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("target");
    }

    [Fact]
    public void EmptyTarget_CannotBeMade()
    {
        var act = () => Dataset.ForClassification(Matrix<float>.Build.Dense(32, 0), []);

        act.Should().Throw<ArgumentException>().WithParameterName("features").WithMessage("*at least one example*0 examples of 32 features*");
    }

    [Fact]
    public void Transfer_ZeroClasses_IsRejectedWhereTheTargetIsMade()
    {
        var act = () => Dataset.ForClassification(Matrix<float>.Build.Dense(32, 2), [0, 0], classCount: 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("classCount").WithMessage("*at least 1*got 0*");
    }

    [Fact]
    public void Transfer_OneClassTarget_IsRejected()
    {
        var target = Dataset.ForClassification(Matrix<float>.Build.Dense(32, 3), [0, 0, 0]);

        var act = () => _pipeline.Transfer(fixture.Pretrained, target);

        act.Should().Throw<ArgumentException>().WithParameterName("target").WithMessage("*at least 2 classes*has 1*");
    }

    [Fact]
    public void Transfer_RemovingAsManyLayersAsTheNetworkHas_IsRejected()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 3 };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options").WithMessage("*less than the pretrained network's number of dense layers (3)*got 3*");
    }

    [Fact]
    public void Transfer_LastLayersDeeperThanTheKeptBody_IsRejected()
    {
        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(3)));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options").WithMessage("*k ≤ 2*got k = 3*");

        var build = () => _pipeline.Build(fixture.Pretrained, fixture.Tasks.Target, TransferStrategy.LastLayers(3));
        build.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("strategy");
    }

    public static TheoryData<string> EveryStrategy() => ["HeadOnly", "LastLayers(1)", "FullFineTune", "TwoPhase", "FromScratch"];

    [Theory]
    [MemberData(nameof(EveryStrategy))]
    public void Transfer_WithoutNewLayers_IsRejected_ForEveryStrategy(string name)
    {
        var strategy = new[] { TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1), TransferStrategy.FullFineTune, TransferStrategy.TwoPhase, TransferStrategy.FromScratch }
            .Single(s => s.ToString() == name);
        var options = SmallTransfer.Options(strategy) with { NewLayers = [] };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("Expected at least one new layer in TransferOptions.NewLayers*LayerSpec.Dense(5, Activation.Softmax)*but it is empty*Dense(24 → 16, ReLU)*no output layer for the target*");
    }

    [Fact]
    public void Options_TrainingWithParameterGroups_IsRejectedNotDropped()
    {
        var training = new TrainingOptions { ParameterGroups = n => [new ParameterGroup(n.Parameters.ToArray())] };

        var act = () => new TransferOptions { Training = training };

        act.Should().Throw<ArgumentException>().WithParameterName("Training").WithMessage("*without ParameterGroups*PretrainedLearningRateScale*");
    }

    [Fact]
    public void Transfer_NewHeadSmallerThanTheClasses_IsRejected()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = [LayerSpec.Dense(3, Activation.Softmax)] };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("Expected the last new layer to have at least 5 units (one per target class)*but it is Dense(3, Softmax).*");
    }

    [Fact]
    public void Transfer_RemovingNoLayerOfANetworkThatEndsInItsSoftmaxHead_IsRejected()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 0 };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("Expected RemovedLayers ≥ 1*output layer*Softmax*but it is 0*");
    }

    [Fact]
    public void Options_RejectNonsense()
    {
        ((Action)(() => _ = new TransferOptions { RemovedLayers = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("RemovedLayers");
        ((Action)(() => _ = new TransferOptions { FromScratchBody = null! })).Should().Throw<ArgumentNullException>().WithParameterName("FromScratchBody");
        ((Action)(() => _ = new TransferOptions { FromScratchBody = [LayerSpec.Dense(8, Activation.ReLU), null!] })).Should().Throw<ArgumentException>().WithParameterName("FromScratchBody").WithMessage("*layer 1 is null*");
        ((Action)(() => _ = new TransferOptions { AnchorDecay = float.NaN })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AnchorDecay");
        ((Action)(() => _ = new TransferOptions { PretrainedLearningRateScale = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PretrainedLearningRateScale");
        ((Action)(() => _ = new TransferOptions { MinTrainingSteps = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinTrainingSteps");
        ((Action)(() => _ = fixture.Pretrained with { SourceExampleCount = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("SourceExampleCount");
        ((Action)(() => _ = new TransferOptions { Policy = null! })).Should().Throw<ArgumentNullException>().WithParameterName("Policy");
        ((Action)(() => TransferStrategy.LastLayers(0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("k");
        ((Action)(() => _ = new AutoSelectionOptions { Folds = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Folds");
        ((Action)(() => _ = new AutoSelectionOptions { Candidates = [] })).Should().Throw<ArgumentException>().WithParameterName("Candidates");
        ((Action)(() => _ = new AutoSelectionOptions { FirstRungEpochFraction = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("FirstRungEpochFraction");
        ((Action)(() => _ = new AutoSelectionOptions { Survivors = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Survivors");
        ((Action)(() => _ = new AutoSelectionOptions { MinHeldOutExamples = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MinHeldOutExamples");
        ((Action)(() => _ = new AutoSelectionOptions { LargeTargetExamplesPerClass = double.PositiveInfinity })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LargeTargetExamplesPerClass");
        ((Action)(() => _ = new AutoSelectionOptions { RequiredStandardErrorsAgainstDefault = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("RequiredStandardErrorsAgainstDefault");
        ((Action)(() => _ = new AdvisorOptions { ProbeFolds = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ProbeFolds");
        ((Action)(() => _ = new AdvisorOptions { Permutations = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Permutations");
        ((Action)(() => _ = new AdvisorOptions { ConfidenceLevel = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ConfidenceLevel");
        ((Action)(() => _ = new AdvisorOptions { ProbeRidge = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ProbeRidge");
        ((Action)(() => _ = new DataSizePolicy { FeatureCheck = null! })).Should().Throw<ArgumentNullException>().WithParameterName("FeatureCheck");
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new TransferOptions();

        options.NewLayers.Should().BeNull();
        options.RemovedLayers.Should().Be(1);
        options.Policy.Should().BeSameAs(DataSizePolicy.Default);
        options.Training.Epochs.Should().Be(30);
        options.Training.BatchSize.Should().Be(32);
        options.PretrainedLearningRateScale.Should().Be(1f);
        options.TwoPhaseFineTuneScale.Should().Be(0.1f);
        options.AnchorDecay.Should().Be(0f);
        options.NewLayerWeightDecay.Should().BeNull();
        options.Seed.Should().Be(0);
        options.MinTrainingSteps.Should().Be(500);

        var auto = new AutoSelectionOptions();
        auto.Folds.Should().Be(5);
        auto.FirstRungEpochFraction.Should().Be(0.25);
        auto.Survivors.Should().Be(1);
        auto.MinHeldOutExamples.Should().Be(100);
        auto.LargeTargetExamplesPerClass.Should().Be(100);
        auto.RequiredStandardErrorsAgainstDefault.Should().Be(2);
        auto.Progress.Should().BeNull();
        auto.RequiredStandardErrors.Should().Be(0.5);
        DataSizePolicy.Default.RequiredStandardErrors.Should().Be(0.5);
        DataSizePolicy.Default.CheckFeatures.Should().BeTrue();
        DataSizePolicy.Default.EvidenceFolds.Should().Be(5);
        DataSizePolicy.Default.CrossValidateBelowExamplesPerClass.Should().Be(100);
        DataSizePolicy.RuleOfThumb.CheckFeatures.Should().BeFalse();
        DataSizePolicy.Default.FeatureCheck.ProbeRepeats.Should().Be(2);
        var advisor = new AdvisorOptions();
        advisor.ProbeFolds.Should().Be(10);
        advisor.ProbeRepeats.Should().Be(3);
        advisor.Permutations.Should().Be(19);
        advisor.ConfidenceLevel.Should().Be(0.95);
        advisor.ProbeRidge.Should().Be(10);
        advisor.MinProbeGain.Should().Be(0.02);
        auto.Candidates.Select(c => c.ToString()).Should().Equal("FromScratch", "HeadOnly", "LastLayers(1)", "FullFineTune", "TwoPhase");
    }
}
