using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>Transfer over a body with batch normalisation and dropout: strip, freeze, re-initialise.</summary>
public class TransferLayerKindsTests
{
    private static readonly TransferTasks Tasks =
        SyntheticData.LatentTasks(sourceCount: 600, targetPerClass: 12, targetTestPerClass: 5, related: true, seed: 3);

    // 32 → Dense 24 → BatchNorm → Dense 16 → Dropout → Dense 64 (softmax): the Dropout belongs to the old head.
    private static readonly Network Pretrained = PretrainBody();
    private static readonly PretrainedNetwork Source = new() { Network = Pretrained };

    [Fact]
    public void Build_StripsTheOutputLayerAndWhatSitsAboveTheBodysLastDenseLayer()
    {
        var net = new TransferPipeline().Build(Source, Tasks.Target, TransferStrategy.HeadOnly, new TransferOptions { NewLayers = [LayerSpec.Dropout(0.2f), LayerSpec.Dense(5, Activation.Softmax)] });

        net.Layers.Select(l => l.GetType().Name).Should().Equal(
            nameof(DenseLayer), nameof(BatchNormLayer), nameof(DenseLayer), nameof(DropoutLayer), nameof(DenseLayer));
        net.Layers.Take(3).Should().OnlyContain(l => l.IsFrozen);
        net.Layers[3].IsFrozen.Should().BeFalse("the new dropout is part of the head");
        ((DropoutLayer)net.Layers[3]).Rate.Should().Be(0.2f);
        net.Buffers.Select(b => b.Name).Should().Equal("layers.1.running_mean", "layers.1.running_var");
    }

    [Fact]
    public void Transfer_HeadOnlyOverABodyWithBatchNorm_KeepsTheBodyBitIdentical()
    {
        var options = new TransferOptions
        {
            Policy = TransferPolicy.Fixed(TransferStrategy.HeadOnly),
            Training = new TrainingOptions { Epochs = 3, BatchSize = 8, Optimizer = new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 1e-3f }, CacheFrozenFeatures = false },
        };

        var net = new TransferPipeline().Transfer(Source, Tasks.Target, options).Network;

        for (int l = 0; l < 3; l++)
        {
            var before = Pretrained.Layers[l].Parameters.Concat(Pretrained.Layers[l].Buffers).Select(p => p.Values.ToArray());
            var after = net.Layers[l].Parameters.Concat(net.Layers[l].Buffers).Select(p => p.Values.ToArray());
            after.Should().BeEquivalentTo(before, o => o.WithStrictOrdering(), "body layer {0} ({1}) is frozen", l, net.Layers[l]);
        }
    }

    [Fact]
    public void Build_LastLayersOne_TrainsTheTopDenseLayerAndFreezesTheBatchNormBelowIt()
    {
        var net = new TransferPipeline().Build(Source, Tasks.Target, TransferStrategy.LastLayers(1));

        net.Layers.Select(l => l.IsFrozen).Should().Equal(true, true, false, false);
    }

    [Theory]
    [InlineData("FullFineTune")]
    [InlineData("LastLayers(2)")]
    public void Build_EveryDenseLayerTrains_AnInputBatchNormBelowThemTrainsToo(string strategyName)
    {
        var architecture = Network.Create(32, seed: 2)
            .BatchNorm()
            .Dense(16, Activation.ReLU)
            .Dense(8, Activation.ReLU)
            .Dense(64, Activation.Softmax);
        var pretrained = new TransferPipeline().Pretrain(architecture, Tasks.Source, new TrainingOptions { Epochs = 1, BatchSize = 64 });
        var strategy = strategyName == "FullFineTune" ? TransferStrategy.FullFineTune : TransferStrategy.LastLayers(2);

        var net = new TransferPipeline().Build(pretrained, Tasks.Target, strategy);

        net.Layers.Select(l => l.IsFrozen).Should().Equal([false, false, false, false], "{0} trains every pretrained dense layer, so the input BatchNorm below them trains too", strategyName);
    }

    [Fact]
    public void Build_FromScratch_ReinitialisesBatchNorm()
    {
        var net = new TransferPipeline().Build(Source, Tasks.Target, TransferStrategy.FromScratch);

        var bn = net.Layers[1].Should().BeOfType<BatchNormLayer>().Subject;
        bn.RunningMean.Values.ToArray().Should().OnlyContain(v => v == 0f);
        bn.RunningVariance.Values.ToArray().Should().OnlyContain(v => v == 1f);
        bn.Scale.Values.ToArray().Should().OnlyContain(v => v == 1f);
        ((BatchNormLayer)Pretrained.Layers[1]).RunningMean.Values.ToArray().Should().Contain(v => v != 0f, "the pretrained statistics were not reset");
    }

    [Fact]
    public void Transfer_NewLayersEndingInDropout_IsRejected()
    {
        var options = new TransferOptions { NewLayers = [LayerSpec.Dense(5, Activation.Softmax), LayerSpec.Dropout(0.5f)] };

        var act = () => new TransferPipeline().Build(Source, Tasks.Target, TransferStrategy.HeadOnly, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*last new layer to be a Dense layer*Dropout*");
    }

    private static Network PretrainBody()
    {
        var architecture = Network.Create(32, seed: 1)
            .Dense(24, Activation.ReLU)
            .BatchNorm()
            .Dense(16, Activation.ReLU)
            .Dropout(0.3f)
            .Dense(64, Activation.Softmax);
        return new TransferPipeline().Pretrain(architecture, Tasks.Source, new TrainingOptions { Epochs = 2, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 3e-3f } }).Network;
    }
}
