using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Cancellation stops the run within one mini-batch and leaves a consistent network.</summary>
public class CancellationTests
{
    private const int BatchesPerEpoch = 10;
    private static readonly Dataset Data = TestData.Blobs(perClass: 10, classes: 4, features: 2, seed: 3);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(2, BatchesPerEpoch)]
    public void Fit_CancelledWhenBatchIsReported_StopsBeforeTheNextBatchWithThoseWeights(int epoch, int batch)
    {
        var network = Network.Create(2, seed: 2).Dense(6, Activation.ReLU).Dense(4, Activation.Softmax);
        using var cancellation = new CancellationTokenSource();
        float[][]? atCancel = null;
        var progress = new SynchronousProgress(p =>
        {
            if (p.Epoch == epoch && p.Batch == batch && p.CompletedEpoch is null)
            {
                cancellation.Cancel();
                atCancel = Weights.Of(network);
            }
        });
        var options = new TrainingOptions { Epochs = 4, BatchSize = Data.Count / BatchesPerEpoch, Optimizer = new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f } };

        var act = () => new Trainer(options).Fit(network, Data, Data, progress, cancellation.Token);

        act.Should().Throw<OperationCanceledException>();
        atCancel.Should().NotBeNull();
        progress.BatchReports.Last().Should().Match<TrainingProgress>(p => p.Epoch == epoch && p.Batch == batch, "no mini-batch runs after the one that cancelled");
        Weights.ShouldBeIdentical(Weights.Of(network), atCancel!, "the network holds the weights after the last completed step");
        double lossAtCancel = network.Evaluate(Data).Loss;
        new Trainer(options with { Epochs = 3 }).Fit(network, Data);
        network.Evaluate(Data).Loss.Should().BeLessThan(lossAtCancel, "the cancelled network is consistent: training it further lowers its loss");
    }

    [Fact]
    public void Fit_AlreadyCancelled_ThrowsBeforeAnyStep()
    {
        var network = Network.Create(2, seed: 2).Dense(4, Activation.Softmax);
        var initial = Weights.Of(network);
        var progress = new SynchronousProgress(_ => { });

        var act = () => new Trainer().Fit(network, Data, progress: progress, cancellationToken: new CancellationToken(canceled: true));

        act.Should().Throw<OperationCanceledException>();
        progress.Reports.Should().BeEmpty();
        Weights.ShouldBeIdentical(Weights.Of(network), initial);
    }
}
