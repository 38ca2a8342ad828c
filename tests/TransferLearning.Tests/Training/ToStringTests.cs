using System.Globalization;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Training;

/// <summary>The result types print what they hold, in the invariant culture, rather than their type names.</summary>
public class ToStringTests
{
    private static readonly EpochReport First = new() { Epoch = 1, TrainLoss = 0.61234, TrainAccuracy = 0.789, ValidationLoss = 0.47021, ValidationAccuracy = 0.8312, LearningRate = 0.001f, Elapsed = TimeSpan.FromSeconds(0.42) };
    private static readonly EpochReport Second = First with { Epoch = 2, TrainLoss = 0.5, TrainAccuracy = 0.8, ValidationLoss = 0.45, ValidationAccuracy = 0.85 };
    private static readonly EpochReport Third = First with { Epoch = 3, TrainLoss = 0.4, TrainAccuracy = 0.85, ValidationLoss = 0.46, ValidationAccuracy = 0.84 };

    private static readonly TrainingHistory History = new()
    {
        Epochs = [First, Second, Third],
        BestEpoch = 2,
        StoppedEarly = true,
        RestoredBest = true,
        Elapsed = TimeSpan.FromSeconds(4.2123),
    };

    [Fact]
    public void TrainingHistory_ToString_SummarisesTheRunInOneLine()
    {
        History.ToString().Should().Be("3 epochs in 4.21 s; best epoch 2: loss 0.5000, accuracy 80.0 % | validation loss 0.4500, accuracy 85.0 %; stopped early; best weights restored");
        (History with { Epochs = [First], BestEpoch = 1, StoppedEarly = false, RestoredBest = false }).ToString()
            .Should().Be("1 epoch in 4.21 s; best epoch 1: loss 0.6123, accuracy 78.9 % | validation loss 0.4702, accuracy 83.1 %");
        (History with { Epochs = [], BestEpoch = 0 }).ToString().Should().Be("no epochs");
        First.ToString().Should().Be("epoch   1: loss 0.6123, accuracy 78.9 % | validation loss 0.4702, accuracy 83.1 % | lr 0.001, 0.42 s");
    }

    [Fact]
    public void PretrainedNetwork_ToString_NamesTheSourceTaskAndTheNetwork()
    {
        var network = Network.Create(4, seed: 1).Dense(3, Activation.ReLU).Dense(6, Activation.Softmax);
        var pretrained = new PretrainedNetwork { Network = network, SourceExampleCount = 60_000, SourceClassCount = 6, ClassNames = ["a", "b", "c", "d", "e", "f"], History = History };

        pretrained.ToString().Split(Environment.NewLine).Should().Equal(
            new[] { "pretrained on 60,000 examples of 6 classes (a, b, c, d, e, …)", "pretraining: " + History }
                .Concat(network.ToString().Split(Environment.NewLine)));
        new PretrainedNetwork { Network = network }.ToString().Split(Environment.NewLine)[0].Should().Be("pretrained on an unknown number of examples");
    }

    [Fact]
    public void TransferResult_ToString_PrintsTheDecisionTheTrainingAndTheNetwork()
    {
        var network = Network.Create(4, seed: 1).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);
        var decision = new TransferDecision
        {
            Strategy = TransferStrategy.HeadOnly,
            Reasons = [new DecisionReason { Code = DecisionReasonCode.SameInput, Text = "target has 100 examples" }],
        };
        var result = new TransferResult { Network = network, Decision = decision, History = History };

        result.ToString().Split(Environment.NewLine).Should().Equal(
            new[] { "HeadOnly", "  - target has 100 examples", "training: " + History }.Concat(network.ToString().Split(Environment.NewLine)));
    }

    [Fact]
    public void ToString_UnderGermanCulture_UsesInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            History.ToString().Should().Contain("4.21 s").And.Contain("0.5000").And.Contain("80.0 %");
            new PretrainedNetwork { Network = Network.Create(4).Dense(2, Activation.Softmax), SourceExampleCount = 60_000 }.ToString().Should().StartWith("pretrained on 60,000 examples");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
