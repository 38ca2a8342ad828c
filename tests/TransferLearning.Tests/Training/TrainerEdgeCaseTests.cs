using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Bad settings a user could try: each gets a clear error, or works.</summary>
public class TrainerEdgeCaseTests
{
    [Fact]
    public void Fit_EpochsIntMaxValueWithEarlyStopping_StopsWithoutRunningOutOfMemory()
    {
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        var options = new TrainingOptions { Epochs = int.MaxValue, EarlyStopping = new EarlyStoppingOptions { Patience = 1, MinDelta = 100f } };

        var history = new Trainer(options).Fit(network, TestData.Blobs(perClass: 5));

        history.Epochs.Should().HaveCount(2, "epoch 1 sets the best loss and epoch 2 cannot improve on it by 100");
        history.StoppedEarly.Should().BeTrue();
    }

    [Fact]
    public void Fit_AdamAtAHugeRate_RaisesTheDivergenceErrorInsteadOfRunningOn()
    {
        var network = Network.Create(2, seed: 1).Dense(16, Activation.ReLU).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
        var initial = Weights.Of(network);
        var options = new TrainingOptions { Epochs = 20, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 1e4f } };

        var act = () => new Trainer(options).Fit(network, TestData.Blobs(perClass: 20, seed: 2));

        var exception = act.Should().ThrowExactly<TrainingDivergedException>().Which;
        exception.LossLimit.Should().NotBeNull("the loss exploded while still finite");
        exception.Loss.Should().BeGreaterThan(exception.LossLimit!.Value);
        exception.Message.Should().Contain("exceeds").And.Contain("(10,000 × the larger of the run's first mini-batch loss and its best epoch loss)");
        exception.Epoch.Should().Be(1, "it stops at once, not after epochs at a loss of 10^14");
        Weights.ShouldBeIdentical(Weights.Of(network), initial, $"the checkpoint before mini-batch {exception.RestoredBatch} holds the initial weights");
    }

    [Fact]
    public void DivergenceLossFactor_OneOrLess_IsRejected()
    {
        var act = () => new TrainingOptions { DivergenceLossFactor = 1 };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DivergenceLossFactor").WithMessage("*greater than 1*got 1*");
        new TrainingOptions().DivergenceLossFactor.Should().Be(1e4);
    }

    [Fact]
    public void Fit_ParameterGroupsOfAnotherNetwork_IsRejectedAndLeavesItUnchanged()
    {
        var other = Network.Create(2, seed: 2).Dense(3, Activation.Softmax);
        var otherBefore = Weights.Of(other);
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);
        var options = new TrainingOptions { ParameterGroups = _ => [new ParameterGroup(other.Parameters)] };

        Throws.Argument<ArgumentException>(() => new Trainer(options).Fit(network, TestData.Blobs(perClass: 5)), "network", "belongs to another network", "layers.0.weight");
        Weights.ShouldBeIdentical(Weights.Of(other), otherBefore, "the other network is untouched");
    }
}
