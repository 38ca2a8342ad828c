using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>A diverging run stops with TrainingDivergedException and keeps the last good weights.</summary>
public class DivergenceTests
{
    public static TheoryData<string> Problems() => ["Regression", "Classification"];

    [Theory]
    [MemberData(nameof(Problems))]
    public void Fit_HugeLearningRate_ThrowsAndRestoresTheInitialWeights(string problem)
    {
        var (network, data) = Make(problem);
        var initial = Weights.Of(network);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 4, Optimizer = new SgdOptions { LearningRate = 1e6f } };

        var act = () => new Trainer(options).Fit(network, data);

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        exception.Epoch.Should().Be(1, "a learning rate of 10^6 blows up within the first epoch");
        exception.Message.Should().Contain("epoch 1");
        (!double.IsFinite(exception.Loss) || exception.Loss > exception.LossLimit).Should().BeTrue("the loss is NaN, ∞ or above the limit, not {0}", exception.Loss);
        Weights.Of(network).Should().OnlyContain(tensor => tensor.All(float.IsFinite));
        exception.RestoredEpoch.Should().Be(1);
        exception.RestoredBatch.Should().Be(1, "with checkpoints every 10 mini-batches the last one before a blow-up in epoch 1 is the first");
        Weights.ShouldBeIdentical(Weights.Of(network), initial, "the checkpoint before mini-batch 1 holds the initial weights");
    }

    [Fact]
    public void Fit_DivergesInALaterEpoch_CheckpointEveryBatch_RestoresTheLastWeightsWithAFiniteLoss()
    {
        // Epochs 1 and 2 train at a sane rate; from epoch 3 the schedule multiplies it by 10^7.
        var (network, data) = Make("Regression");
        var snapshots = new List<float[][]> { Weights.Of(network) };
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is null)
            {
                snapshots.Add(Weights.Of(network)); // the weights after each mini-batch's step
            }
        });
        var options = new TrainingOptions
        {
            Epochs = 5,
            BatchSize = 4,
            Optimizer = new SgdOptions { LearningRate = 0.1f },
            Schedule = new ExplodeFromEpoch(3),
            DivergenceCheckpointInterval = 1,
        };

        var act = () => new Trainer(options).Fit(network, data, progress: progress);

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        exception.Epoch.Should().Be(3);
        exception.Batch.Should().BeGreaterThan(1, "the first exploding step still starts from finite weights with a finite loss");
        progress.Reports.Should().NotContain(r => r.Epoch > exception.Epoch);

        // The diverging mini-batch's loss came from the last snapshot; the one before produced a finite loss.
        Weights.ShouldBeIdentical(Weights.Of(network), snapshots[^2], "the network holds the last weights whose loss was finite");
        (exception.RestoredEpoch, exception.RestoredBatch).Should().Be((3, exception.Batch - 1));
        Weights.Of(network).Should().OnlyContain(tensor => tensor.All(float.IsFinite));
    }

    [Fact]
    public void Fit_DivergesInALaterEpoch_DefaultCheckpoints_RestoresFiniteWeightsAtMostTenBatchesBack()
    {
        var (network, data) = Make("Regression");
        var snapshots = new List<float[][]> { Weights.Of(network) };
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is null)
            {
                snapshots.Add(Weights.Of(network));
            }
        });
        var options = new TrainingOptions { Epochs = 5, BatchSize = 4, Optimizer = new SgdOptions { LearningRate = 0.1f }, Schedule = new ExplodeFromEpoch(3) };

        var act = () => new Trainer(options).Fit(network, data, progress: progress);

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        int batchesPerEpoch = data.Count / 4;
        int diverged = ((exception.Epoch - 1) * batchesPerEpoch) + exception.Batch - 1;      // global step, from 0
        int restored = ((exception.RestoredEpoch - 1) * batchesPerEpoch) + exception.RestoredBatch - 1;
        restored.Should().Be(diverged - 1 - ((diverged - 1) % 10), "checkpoints are taken every 10 mini-batches");
        Weights.ShouldBeIdentical(Weights.Of(network), snapshots[restored], "the network holds the checkpointed weights");
    }

    [Fact]
    public void DivergenceCheckpointInterval_LessThanOne_IsRejected()
    {
        var act = () => new TrainingOptions { DivergenceCheckpointInterval = 0 };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DivergenceCheckpointInterval").WithMessage("*at least 1*got 0*");
    }

    private static (Network Network, Dataset Data) Make(string problem) => problem switch
    {
        "Regression" => (Network.Create(2, seed: 1).Dense(4, Activation.Tanh).Dense(1, Activation.Identity), TestData.Linear(32, seed: 1)),
        "Classification" => (Network.Create(2, seed: 1).Dense(4, Activation.ReLU).Dense(3, Activation.Softmax), TestData.Blobs(perClass: 10, seed: 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(problem)),
    };

    /// <summary>Factor 1 before epoch <c>from</c> (counted from 1), 10^7 from then on.</summary>
    private sealed class ExplodeFromEpoch(int from) : LearningRateSchedule
    {
        public override float Factor(int epoch, int epochs) => epoch + 1 < from ? 1f : 1e7f;
    }
}
