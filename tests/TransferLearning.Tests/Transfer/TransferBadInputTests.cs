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

        act.Should().Throw<ArgumentException>().WithParameterName("features").WithMessage("*at least one example*32 × 0*");
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

        var build = () => _pipeline.Build(fixture.Pretrained.Network, fixture.Tasks.Target, TransferStrategy.LastLayers(3));
        build.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("strategy");
    }

    [Fact]
    public void Transfer_HeadOnlyWithoutNewLayers_WouldTrainNothing()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = [] };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*HeadOnly*NewLayers is empty*train nothing*");
    }

    [Fact]
    public void Transfer_NewHeadSmallerThanTheClasses_IsRejected()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = [Layer.Dense(3, Activation.Softmax)] };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*5 units*has 3*");
    }

    [Fact]
    public void Options_RejectNonsense()
    {
        ((Action)(() => _ = new TransferOptions { RemovedLayers = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("RemovedLayers");
        ((Action)(() => _ = new TransferOptions { AnchorDecay = float.NaN })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("AnchorDecay");
        ((Action)(() => _ = new TransferOptions { PretrainedLearningRateScale = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PretrainedLearningRateScale");
        ((Action)(() => _ = new TransferOptions { SourceExampleCount = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("SourceExampleCount");
        ((Action)(() => _ = new TransferOptions { Policy = null! })).Should().Throw<ArgumentNullException>().WithParameterName("Policy");
        ((Action)(() => TransferStrategy.LastLayers(0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("k");
        ((Action)(() => _ = new AutoSelectionOptions { Folds = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Folds");
        ((Action)(() => _ = new AutoSelectionOptions { Candidates = [] })).Should().Throw<ArgumentException>().WithParameterName("Candidates");
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
        options.SourceExampleCount.Should().BeNull();

        var auto = new AutoSelectionOptions();
        auto.Folds.Should().Be(5);
        auto.RequiredStandardErrors.Should().Be(0.5);
        auto.Candidates.Select(c => c.ToString()).Should().Equal("FromScratch", "HeadOnly", "LastLayers(1)", "FullFineTune", "TwoPhase");
    }
}
