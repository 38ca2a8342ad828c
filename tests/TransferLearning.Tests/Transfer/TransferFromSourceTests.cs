using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>Pretraining from a source, and transfer to a target given as a source (read into memory once).</summary>
public sealed class TransferFromSourceTests : IClassFixture<SmallTransfer>
{
    private readonly SmallTransfer _small;

    public TransferFromSourceTests(SmallTransfer small) => _small = small;

    [Fact]
    public void PretrainFromSource_TrainsACopyAsFitFromSourceDoes_AndRecordsTheSource()
    {
        var architecture = Network.Create(32, seed: 1).Dense(24, Activation.ReLU).Dense(64, Activation.Softmax);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = 4 };
        var before = Weights.Of(architecture);

        var pretrained = new TransferPipeline().PretrainFromSource(architecture, DataSource.FromDataset(_small.Tasks.Source), options);
        var expected = architecture.Clone();
        new Trainer(options).FitFromSource(expected, DataSource.FromDataset(_small.Tasks.Source));

        Weights.AreIdentical(Weights.Of(architecture), before).Should().BeTrue("the architecture is not modified");
        Weights.AreIdentical(Weights.Of(pretrained.Network), Weights.Of(expected)).Should().BeTrue();
        pretrained.SourceExampleCount.Should().Be(_small.Tasks.Source.Count);
        pretrained.SourceClassCount.Should().Be(_small.Tasks.Source.ClassCount);
        pretrained.History.Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void TransferFromSource_GivesTheResultOfTransferOnTheSameExamples()
    {
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 3);
        var pipeline = new TransferPipeline();

        var fromSource = pipeline.TransferFromSource(_small.Pretrained, DataSource.FromDataset(_small.Tasks.Target), options);
        var fromSet = pipeline.Transfer(_small.Pretrained, _small.Tasks.Target, options);

        fromSource.Decision.Strategy.Should().Be(fromSet.Decision.Strategy);
        Weights.AreIdentical(Weights.Of(fromSource.Network), Weights.Of(fromSet.Network)).Should().BeTrue();
    }
}
