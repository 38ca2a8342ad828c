using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Same seed, same data, same options → identical weights; a different seed → different weights.</summary>
public class ReproducibilityTests
{
    private static readonly Dataset Data = TestData.Blobs(perClass: 20, seed: 9);

    [Fact]
    public void Create_SameSeed_SameInitialWeights()
    {
        Weights.Of(MakeNetwork(seed: 5)).Should().BeEquivalentTo(Weights.Of(MakeNetwork(seed: 5)), o => o.WithStrictOrdering());
        Weights.AreIdentical(Weights.Of(MakeNetwork(seed: 5)), Weights.Of(MakeNetwork(seed: 6))).Should().BeFalse();
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("SgdNesterov")]
    public void Fit_SameSeeds_BitIdenticalWeights(string optimizer)
    {
        var first = Train(networkSeed: 5, shuffleSeed: 1, optimizer);
        var second = Train(networkSeed: 5, shuffleSeed: 1, optimizer);

        Weights.ShouldBeIdentical(second, first);
    }

    [Fact]
    public void Fit_DifferentNetworkSeed_DifferentWeights()
    {
        var first = Train(networkSeed: 5, shuffleSeed: 1, "Adam");
        var second = Train(networkSeed: 6, shuffleSeed: 1, "Adam");

        Weights.AreIdentical(first, second).Should().BeFalse();
    }

    [Fact]
    public void Fit_DifferentShuffleSeed_DifferentWeights()
    {
        var first = Train(networkSeed: 5, shuffleSeed: 1, "Adam");
        var second = Train(networkSeed: 5, shuffleSeed: 2, "Adam");

        Weights.AreIdentical(first, second).Should().BeFalse("the mini-batches differ, so the steps differ");
    }

    [Fact]
    public void Fit_NoShuffle_ShuffleSeedDoesNotMatter()
    {
        var first = Train(networkSeed: 5, shuffleSeed: 1, "Adam", shuffle: false);
        var second = Train(networkSeed: 5, shuffleSeed: 2, "Adam", shuffle: false);

        Weights.ShouldBeIdentical(second, first);
    }

    [Fact]
    public void Clone_TrainingTheCopy_LeavesTheOriginalUnchanged()
    {
        var original = MakeNetwork(seed: 5);
        var before = Weights.Of(original);
        var copy = original.Clone();

        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 10 }).Fit(copy, Data);

        Weights.ShouldBeIdentical(Weights.Of(original), before);
        Weights.AreIdentical(Weights.Of(copy), before).Should().BeFalse();
        copy.Parameters.Select(p => p.Name).Should().Equal(original.Parameters.Select(p => p.Name));
    }

    private static Network MakeNetwork(int seed) =>
        Network.Create(2, seed).Dense(8, Activation.ReLU).Dense(8, Activation.Tanh).Dense(3, Activation.Softmax);

    private static float[][] Train(int networkSeed, int shuffleSeed, string optimizer, bool shuffle = true)
    {
        var network = MakeNetwork(networkSeed);
        var options = new TrainingOptions
        {
            Epochs = 3,
            BatchSize = 8,
            Seed = shuffleSeed,
            Shuffle = shuffle,
            Optimizer = optimizer == "Adam" ? new AdamOptions { LearningRate = 0.01f } : new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true },
        };
        new Trainer(options).Fit(network, Data);
        return Weights.Of(network);
    }
}
