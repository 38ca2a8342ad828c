using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>
/// When the bottom layers are wholly frozen their outputs are computed once per data set, not once per epoch,
/// and the result is the same as without the cache.
/// </summary>
public class FrozenFeatureCacheTests
{
    private const int BatchSize = 10;
    private static readonly Dataset Train = TestData.Blobs(perClass: 20, seed: 1);
    private static readonly Dataset Validation = TestData.Blobs(perClass: 10, seed: 2);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(1, 5)]
    [InlineData(2, 2)]
    [InlineData(2, 5)]
    public void Fit_CacheOn_FrozenPrefixRunsOncePerDataSetWhateverTheEpochs(int frozenLayers, int epochs)
    {
        var network = FrozenNetwork(frozenLayers);
        var before = network.DenseLayers.Select(TestHooks.PassesOf).ToArray();

        new Trainer(Options(epochs, cache: true)).Fit(network, Train, Validation);

        for (int l = 0; l < frozenLayers; l++)
        {
            (TestHooks.PassesOf(network.DenseLayers[l]) - before[l]).Should().Be(2, "frozen layer {0} runs once over the training set and once over the validation set", l);
        }

        int batches = Train.Count / BatchSize;
        (TestHooks.PassesOf(network.DenseLayers[^1]) - before[^1]).Should().Be((epochs * batches) + epochs, "the trainable head runs every batch and every validation");
    }

    [Fact]
    public void Fit_CacheOff_FrozenPrefixRunsEveryBatch()
    {
        const int epochs = 3;
        var network = FrozenNetwork(frozenLayers: 1);
        int before = TestHooks.PassesOf(network.DenseLayers[0]);

        new Trainer(Options(epochs, cache: false)).Fit(network, Train, Validation);

        (TestHooks.PassesOf(network.DenseLayers[0]) - before).Should().Be((epochs * (Train.Count / BatchSize)) + epochs);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_CacheOnAndOff_SameWeightsAndHistory(int frozenLayers)
    {
        var cached = FrozenNetwork(frozenLayers);
        var uncached = FrozenNetwork(frozenLayers);

        var cachedHistory = new Trainer(Options(4, cache: true)).Fit(cached, Train, Validation);
        var uncachedHistory = new Trainer(Options(4, cache: false)).Fit(uncached, Train, Validation);

        var a = Weights.Of(cached);
        var b = Weights.Of(uncached);
        for (int t = 0; t < a.Length; t++)
        {
            a[t].Should().Equal(b[t], (x, y) => Math.Abs(x - y) <= 1e-6f, "tensor {0} should not depend on the cache", t);
        }

        cachedHistory.Epochs.Select(e => e.ValidationLoss).Should().Equal(
            uncachedHistory.Epochs.Select(e => e.ValidationLoss), (x, y) => Math.Abs(x!.Value - y!.Value) <= 1e-6);
        cachedHistory.Epochs.Select(e => e.TrainLoss).Should().Equal(
            uncachedHistory.Epochs.Select(e => e.TrainLoss), (x, y) => Math.Abs(x - y) <= 1e-6);
    }

    private static Network FrozenNetwork(int frozenLayers)
    {
        var network = FrozenLayerTests.MakeNetwork();
        for (int l = 0; l < frozenLayers; l++)
        {
            network.DenseLayers[l].Freeze();
        }

        return network;
    }

    private static TrainingOptions Options(int epochs, bool cache) => new()
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Optimizer = new AdamOptions { LearningRate = 0.01f },
        CacheFrozenFeatures = cache,
        Seed = 8,
    };
}
