using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Early stopping stops after Patience epochs without improvement and restores the best epoch's weights.</summary>
public class EarlyStoppingTests
{
    private const int Patience = 2;
    private static readonly Dataset Train = TestData.Blobs(perClass: 10, classes: 2, seed: 5);

    /// <summary>The training features with every label flipped: the better the network fits Train, the worse it scores here.</summary>
    private static readonly Dataset Flipped = Dataset.ForClassification(
        Matrix<float>.Build.DenseOfMatrix(Train.Features), Train.Labels.Select(label => 1 - label).ToArray(), 2);

    [Fact]
    public void Fit_ValidationLossRises_StopsAfterPatienceAndRestoresBestEpoch()
    {
        var (network, history, snapshots) = Run(restoreBest: true);

        int best = BestByValidationLoss(history);
        history.BestEpoch.Should().Be(best);
        history.StoppedEarly.Should().BeTrue();
        history.RestoredBest.Should().BeTrue();
        history.Epochs.Should().HaveCount(best + Patience, "the run stops {0} epochs after the best one", Patience);
        Weights.ShouldBeIdentical(Weights.Of(network), snapshots[best - 1], "the best epoch's weights are restored");
        network.Evaluate(Flipped).Loss.Should().Be(history.Epochs[best - 1].ValidationLoss!.Value, "the restored network scores exactly as it did after its best epoch");
    }

    [Fact]
    public void Fit_RestoreBestOff_KeepsTheLastEpochsWeights()
    {
        var (network, history, snapshots) = Run(restoreBest: false);

        history.StoppedEarly.Should().BeTrue();
        history.RestoredBest.Should().BeFalse();
        Weights.ShouldBeIdentical(Weights.Of(network), snapshots[^1]);
        Weights.AreIdentical(snapshots[^1], snapshots[history.BestEpoch - 1]).Should().BeFalse();
    }

    [Fact]
    public void Fit_LossKeepsFalling_RunsEveryEpochWithoutRestoring()
    {
        var network = Network.Create(2, seed: 1).Dense(2, Activation.Softmax);
        var options = new TrainingOptions
        {
            Epochs = 6,
            BatchSize = 5,
            Optimizer = new SgdOptions { LearningRate = 0.05f },
            EarlyStopping = new EarlyStoppingOptions { Patience = Patience },
        };

        var history = new Trainer(options).Fit(network, Train, Train);

        history.Epochs.Should().HaveCount(6);
        history.StoppedEarly.Should().BeFalse();
        history.RestoredBest.Should().BeFalse();
        history.BestEpoch.Should().Be(6);
    }

    private static int BestByValidationLoss(TrainingHistory history) =>
        history.Epochs.MinBy(e => e.ValidationLoss!.Value)!.Epoch;

    private static (Network Network, TrainingHistory History, List<float[][]> Snapshots) Run(bool restoreBest)
    {
        var network = Network.Create(2, seed: 1).Dense(4, Activation.ReLU).Dense(2, Activation.Softmax);
        var snapshots = new List<float[][]>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is not null)
            {
                snapshots.Add(Weights.Of(network));
            }
        });
        var options = new TrainingOptions
        {
            Epochs = 20,
            BatchSize = 5,
            Optimizer = new AdamOptions { LearningRate = 0.05f },
            EarlyStopping = new EarlyStoppingOptions { Patience = Patience, RestoreBest = restoreBest },
        };

        var history = new Trainer(options).Fit(network, Train, Flipped, progress);
        return (network, history, snapshots);
    }
}
