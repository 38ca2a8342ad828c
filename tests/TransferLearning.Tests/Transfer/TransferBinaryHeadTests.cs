using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>A 2-class target under new layers ending in one sigmoid unit (a binary classifier, as in Keras).</summary>
public class TransferBinaryHeadTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private static readonly LayerSpec[] BinaryHead = [LayerSpec.Dense(16, Activation.ReLU), LayerSpec.Dense(1, Activation.Sigmoid)];
    private readonly TransferPipeline _pipeline = new();

    private Dataset Target => fixture.Tasks.Target.FilterClasses(0, 1);

    private Dataset Test => fixture.Tasks.TargetTest.FilterClasses(0, 1);

    [Fact]
    public void Transfer_HeadOnlyWithOneSigmoidUnit_TrainsABinaryClassifier()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with
        {
            NewLayers = BinaryHead,
            Training = new TrainingOptions { Epochs = 30, BatchSize = 8, Optimizer = new AdamOptions { LearningRate = 1e-2f } },
        };

        var result = _pipeline.Transfer(fixture.Pretrained, Target, options);

        result.Network.OutputSize.Should().Be(1);
        result.Network.OutputLayer.Activation.Should().Be(Activation.Sigmoid);
        result.History.Last.TrainLoss.Should().BeLessThan(result.History.Epochs[0].TrainLoss);
        result.History.Last.TrainAccuracy.Should().NotBeNull();
        result.Network.Evaluate(Test).Accuracy.Should().BeGreaterThanOrEqualTo(0.8);
    }

    [Fact]
    public void Transfer_DefaultPolicyWithOneSigmoidUnit_DecidesOnAccuracy()
    {
        var options = new TransferOptions { NewLayers = BinaryHead, MinTrainingSteps = 0, Training = new TrainingOptions { Epochs = 30, BatchSize = 8, Optimizer = new AdamOptions { LearningRate = 1e-2f } } };

        var result = _pipeline.Transfer(fixture.Pretrained, Target, options);

        result.Network.OutputSize.Should().Be(1);
        result.Decision.Reasons[^1].Code.Should().BeOneOf(
            [DecisionReasonCode.FeaturesHelp, DecisionReasonCode.FeaturesGainTooSmall, DecisionReasonCode.FromScratchForUnhelpfulFeatures],
            "the guard probes the 2-class target as classification (balanced accuracy), never as a regression's R²: {0}", result.Decision);
        result.Decision.Reasons.Select(r => r.Code).Should().NotContain(DecisionReasonCode.ProbeDoesNotBeatMean);
        result.Network.Evaluate(Test).Accuracy.Should().BeGreaterThanOrEqualTo(0.8);
    }

    [Fact]
    public void Transfer_AutoPolicyWithOneSigmoidUnit_ScoresCandidatesByAccuracy()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with
        {
            NewLayers = BinaryHead,
            Policy = TransferPolicy.Auto(),
            Training = new TrainingOptions { Epochs = 10, BatchSize = 8, Optimizer = new AdamOptions { LearningRate = 1e-2f } },
        };

        var decision = _pipeline.Decide(fixture.Pretrained, Target, options);

        decision.Candidates.Should().NotBeEmpty().And.OnlyContain(c => c.BalancedAccuracy != null && c.SquaredError == null);
        decision.Candidates.Max(c => c.BalancedAccuracy).Should().BeGreaterThan(0.75, "an arg-max over one unit would call every example class 0 and score about 0.5");
    }

    [Theory]
    [InlineData("Identity")]
    [InlineData("Tanh")]
    public void Transfer_OneUnitThatIsNotSigmoidOnTwoClasses_IsRejected(string activation)
    {
        var head = LayerSpec.Dense(1, activation == "Tanh" ? Activation.Tanh : Activation.Identity);
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = [head] };

        var act = () => _pipeline.Transfer(fixture.Pretrained, Target, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage($"Expected the last new layer to have at least 2 units (one per target class), or for a 2-class target to be one Sigmoid unit (a binary classifier), but it is Dense(1, {activation}).*");
    }

    [Fact]
    public void LayerDense_OneSoftmaxUnit_IsRejectedPointingToSigmoid()
    {
        // A one-unit softmax head never reaches the transfer check: the layer itself cannot be made.
        var act = () => LayerSpec.Dense(1, Activation.Softmax);

        act.Should().Throw<ArgumentException>().WithParameterName("units").WithMessage("*at least 2 units for a Softmax layer*but got 1*Activation.Sigmoid*");
    }

    [Fact]
    public void Transfer_OneSigmoidUnitOnThreeClasses_IsRejected()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = BinaryHead };

        var act = () => _pipeline.Transfer(fixture.Pretrained, fixture.Tasks.Target.FilterClasses(0, 1, 2), options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("Expected the last new layer to have at least 3 units (one per target class)*but it is Dense(1, Sigmoid).*");
    }
}
