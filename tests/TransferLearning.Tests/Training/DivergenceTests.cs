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
        var options = new TrainingOptions { Epochs = 5, BatchSize = 4, Optimizer = Optimizers.Sgd(1e6f) };

        var act = () => new Trainer(options).Fit(network, data);

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        exception.Epoch.Should().Be(1, "a learning rate of 10^6 blows up within the first epoch");
        exception.Message.Should().Contain("epoch 1");
        double.IsFinite(exception.Loss).Should().BeFalse();
        Weights.Of(network).Should().OnlyContain(tensor => tensor.All(float.IsFinite));
        Weights.ShouldBeIdentical(Weights.Of(network), initial, "the weights at the start of the diverging epoch 1 are the initial ones");
    }

    [Fact]
    public void Fit_DivergesInALaterEpoch_RestoresTheWeightsAtTheStartOfThatEpoch()
    {
        // Epochs 1 and 2 train at a sane rate; from epoch 3 the schedule multiplies it by 10^7.
        var (network, data) = Make("Regression");
        var snapshots = new List<float[][]> { Weights.Of(network) };
        var progress = new SynchronousProgress(p =>
        {
            if (p.CompletedEpoch is not null)
            {
                snapshots.Add(Weights.Of(network));
            }
        });
        var options = new TrainingOptions { Epochs = 5, BatchSize = 4, Optimizer = Optimizers.Sgd(0.1f), Schedule = new ExplodeFromEpoch(3) };

        var act = () => new Trainer(options).Fit(network, data, progress: progress);

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        exception.Epoch.Should().Be(3);
        snapshots.Should().HaveCount(exception.Epoch, "one snapshot before training and one after each completed epoch");
        Weights.ShouldBeIdentical(Weights.Of(network), snapshots[exception.Epoch - 1], "the network holds the weights from the start of the diverging epoch");
        progress.Reports.Should().NotContain(r => r.Epoch > exception.Epoch);
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
