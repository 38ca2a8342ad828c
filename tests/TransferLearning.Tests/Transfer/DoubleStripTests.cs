using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>Issue 19, point 3: RemoveTopLayers changes the pretrained network in place; the pipeline must not strip a second layer silently.</summary>
public class DoubleStripTests
{
    // The 784 → 256 → 128 → 10, scaled down: 8 → 6 → 5 → 3, pretrained on a 3-class source.
    private static PretrainedNetwork Pretrained() => new()
    {
        Network = Network.Create(8, seed: 3).Dense(6, Activation.ReLU).Dense(5, Activation.ReLU).Dense(3, Activation.Softmax),
        SourceExampleCount = 300,
        SourceClassCount = 3,
    };

    private static readonly TransferOptions Options = SmallTransfer.Options(TransferStrategy.HeadOnly);

    [Fact]
    public void Transfer_AfterTheUserStrippedTheTopOfAPretrainedNetwork_IsAnArgumentExceptionNotASecondStrip()
    {
        var pretrained = Pretrained();
        var target = TestData.Blobs(perClass: 20, classes: 4, features: 8, seed: 1);
        pretrained.Network.RemoveTopLayers();   // 8 → 6 → 5, in place: pretrained.Network is that object

        var pipeline = new TransferPipeline();
        var exception = FluentActions.Invoking(() => pipeline.Transfer(pretrained, target, Options)).Should().Throw<ArgumentException>().Which;
        exception.ParamName.Should().Be("pretrained");
        exception.Message.Should().Contain("the 3 layers it had when the PretrainedNetwork was made, but it has 2");
        FluentActions.Invoking(() => pipeline.Decide(pretrained, target, Options)).Should().Throw<ArgumentException>().WithParameterName("pretrained");
        FluentActions.Invoking(() => pipeline.Build(pretrained, target, TransferStrategy.HeadOnly, Options)).Should().Throw<ArgumentException>().WithParameterName("pretrained");
    }

    [Fact]
    public void Transfer_FromTheNetworkAsPretrained_RemovesOneLayerAndTheDecisionSaysSo()
    {
        var pretrained = Pretrained();
        var target = TestData.Blobs(perClass: 20, classes: 4, features: 8, seed: 1);

        var result = new TransferPipeline().Transfer(pretrained, target, Options);

        result.Network.DenseLayers.Select(d => d.OutputSize).Should().Equal(6, 5, 4);
        var removed = result.Decision.Reasons[0];
        removed.Code.Should().Be(DecisionReasonCode.TopLayersRemoved);
        removed.Value.Should().Be(1);
        removed.Threshold.Should().Be(3);
        removed.Text.Should().Contain("8 → 6 → 5 → 3");
        result.Decision.ToString().Should().Contain(removed.Text);
        pretrained.Network.DenseLayers.Should().HaveCount(3, "the pretrained network is not modified");
    }

    [Fact]
    public void Transfer_ANetworkOfUnknownSourceStrippedAfterItWasWrapped_IsRecognised()
    {
        // The Keras user: wraps a network trained elsewhere (no source class count), then strips its top.
        var pretrained = new PretrainedNetwork { Network = Pretrained().Network };
        pretrained.Network.RemoveTopLayers();
        var target = TestData.Blobs(perClass: 20, classes: 4, features: 8, seed: 1);

        FluentActions.Invoking(() => new TransferPipeline().Transfer(pretrained, target, Options)).Should().Throw<ArgumentException>()
            .WithParameterName("pretrained").WithMessage("*3 layers*has 2*removed afterwards*");
    }

    [Fact]
    public void Transfer_AStrippedNetworkOfUnknownSource_IsNotSilent_TheDecisionNamesTheLayersRemoved()
    {
        // A network trained elsewhere, stripped by its user and wrapped without its source task: the pipeline
        // cannot tell, but the decision states what it removed.
        var network = Pretrained().Network;
        network.RemoveTopLayers();
        var target = TestData.Blobs(perClass: 20, classes: 4, features: 8, seed: 1);

        var result = new TransferPipeline().Transfer(new PretrainedNetwork { Network = network }, target, Options);

        result.Network.DenseLayers.Select(d => d.OutputSize).Should().Equal(6, 4);
        result.Decision.Reasons[0].Code.Should().Be(DecisionReasonCode.TopLayersRemoved);
        result.Decision.Reasons[0].Text.Should().Contain("8 → 6 → 5").And.Contain("1 of the pretrained network's 2");
    }

    [Fact]
    public void Transfer_ABinarySourceWithOneSigmoidOutput_IsItsHead()
    {
        var pretrained = new PretrainedNetwork
        {
            Network = Network.Create(8, seed: 3).Dense(6, Activation.ReLU).Dense(1, Activation.Sigmoid),
            SourceClassCount = 2,
        };
        var target = TestData.Blobs(perClass: 20, classes: 4, features: 8, seed: 1);

        var result = new TransferPipeline().Transfer(pretrained, target, Options);

        result.Network.DenseLayers.Select(d => d.OutputSize).Should().Equal(6, 4);
    }
}
