using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Tests.Training;
using TransferLearning.Training;

namespace TransferLearning.Tests.Data;

/// <summary>The source abstraction: sampling and splitting without loading, views, and the streaming order.</summary>
public class DataSourceTests
{
    [Fact]
    public void TakePerClass_DrawsWhatDatasetTakePerClassDraws()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(300);

        var fromSource = DataSource.FromDataset(data).TakePerClass(7, seed: 4);
        var fromSet = data.TakePerClass(7, seed: 4);

        fromSource.Labels.Should().Equal(fromSet.Labels);
        fromSource.FeatureValues.ToArray().Should().Equal(fromSet.FeatureValues.ToArray());
    }

    [Fact]
    public void TakePerClass_TooFewOfAClass_NamesTheClassAndCounts()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(30);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DataSource.FromDataset(data).TakePerClass(11, seed: 1));

        e.ParamName.Should().Be("perClass");
        e.Message.Should().Contain("class 0").And.Contain("has 10");
    }

    [Fact]
    public void Split_GivesTheExamplesOfDatasetSplit()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(301);

        var (train, heldOut) = DataSource.FromDataset(data).Split(0.8, seed: 9);
        var (expectedTrain, expectedHeldOut) = data.Split(0.8, seed: 9);

        train.ToDataset().FeatureValues.ToArray().Should().Equal(expectedTrain.FeatureValues.ToArray());
        heldOut.ToDataset().Labels.Should().Equal(expectedHeldOut.Labels);
        (train.Count + heldOut.Count).Should().Be(301);
    }

    [Fact]
    public void Subset_ReadsTheExamplesOfTheIndicesInOrder()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(10);

        var view = DataSource.FromDataset(data).Subset([4, 1, 4]).ToDataset();

        view.FeatureValues.ToArray().Should().Equal(data.Subset([4, 1, 4]).FeatureValues.ToArray());
        view.Labels.Should().Equal(data.Labels[4], data.Labels[1], data.Labels[4]);
    }

    [Fact]
    public void CountPerClass_CountsTheLabels()
    {
        var (_, _, data) = SourceTrainingTests.Bytes(31);

        DataSource.FromDataset(data).CountPerClass().Should().Equal(data.CountPerClass());
    }

    [Theory]
    [InlineData(1000, 64, 4)]
    [InlineData(1000, 1, 1)]
    [InlineData(7, 1024, 64)]
    public void StreamingOrder_ServesEveryExampleOnceAnEpoch(int count, int chunk, int window)
    {
        var order = new StreamingOrder(count, new StreamingShuffle { ChunkSize = chunk, WindowChunks = window }, new Xoshiro256StarStar(3));
        var indices = new int[count + 5];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            order.StartEpoch();
            int served = order.Next(indices.AsSpan(0, Math.Min(33, count)));
            served += order.Next(indices.AsSpan(served));

            served.Should().Be(count);
            indices.Take(count).Order().Should().Equal(Enumerable.Range(0, count));
        }
    }

    [Fact]
    public void StreamingOrder_EachWindowHoldsWholeChunks()
    {
        // 1,000 examples, chunks of 50, windows of 4 chunks: the first 200 served are 4 whole chunks, shuffled together.
        var order = new StreamingOrder(1000, new StreamingShuffle { ChunkSize = 50, WindowChunks = 4 }, new Xoshiro256StarStar(8));
        var indices = new int[1000];
        order.StartEpoch();
        order.Next(indices);

        var chunks = indices.Take(200).GroupBy(i => i / 50).ToArray();
        chunks.Should().HaveCount(4).And.OnlyContain(g => g.Count() == 50);
        indices.Take(200).Should().NotBeInAscendingOrder();
    }

    [Fact]
    public void StreamingOrder_SameSeedSameOrder_NewOrderEachEpoch()
    {
        int[] Epochs(int seed)
        {
            var order = new StreamingOrder(500, new StreamingShuffle { ChunkSize = 16, WindowChunks = 3 }, new Xoshiro256StarStar(seed));
            var all = new int[1000];
            order.StartEpoch();
            order.Next(all.AsSpan(0, 500));
            order.StartEpoch();
            order.Next(all.AsSpan(500));
            return all;
        }

        var a = Epochs(1);
        a.Should().Equal(Epochs(1));
        a.Should().NotEqual(Epochs(2));
        a.Take(500).Should().NotEqual(a.Skip(500));
    }

    [Theory]
    [InlineData(1000, 64, 4)]
    [InlineData(1000, 7, 3)]
    [InlineData(7, 1024, 64)]
    public void StreamingOrder_SkippedEpochs_LeaveTheNextEpochAsIfServed(int count, int chunk, int window)
    {
        // A resumed run skips the epochs done: the order after them must be the uninterrupted run's.
        var settings = new StreamingShuffle { ChunkSize = chunk, WindowChunks = window };
        var served = new StreamingOrder(count, settings, new Xoshiro256StarStar(4));
        var skipped = new StreamingOrder(count, settings, new Xoshiro256StarStar(4));
        var expected = new int[count];
        var actual = new int[count];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            served.StartEpoch();
            for (int done = 0; done < count;)
            {
                done += served.Next(expected.AsSpan(done, Math.Min(30, count - done)));
            }

            skipped.SkipEpoch();
        }

        served.StartEpoch();
        served.Next(expected);
        skipped.StartEpoch();
        skipped.Next(actual);

        actual.Should().Equal(expected);
    }

    [Fact]
    public void StreamingShuffle_DefaultsAndValidation()
    {
        var shuffle = new StreamingShuffle();

        (shuffle.ChunkSize, shuffle.WindowChunks).Should().Be((1024, 64));
        new TrainingOptions().StreamingShuffle.Should().Be(shuffle);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingShuffle { ChunkSize = 0 }).ParamName.Should().Be("ChunkSize");
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingShuffle { WindowChunks = 0 }).ParamName.Should().Be("WindowChunks");
        Assert.Throws<ArgumentNullException>(() => new TrainingOptions { StreamingShuffle = null! });
    }
}

/// <summary>A source written by a user: what it gathers is checked before training can use it.</summary>
public class UserDataSourceTests
{
    [Fact]
    public void Gather_LabelOutOfRangeFromAUserSource_NamesTheExample()
    {
        using var source = new Broken(label: 3, feature: 1f);

        var e = Assert.Throws<DataFormatException>(() => source.Gather([5, 1], new float[4], new int[2], default));

        e.Message.Should().Contain("[0, 3)").And.Contain("example 5").And.Contain("label 3");
    }

    [Fact]
    public void Gather_NonFiniteFeatureFromAUserSource_NamesTheExample()
    {
        using var source = new Broken(label: 0, feature: float.NaN);

        var e = Assert.Throws<DataFormatException>(() => source.Gather([7], new float[2], default, default));

        e.Message.Should().Contain("example 7").And.Contain("NaN");
    }

    [Fact]
    public void FitFromSource_AUserSource_Trains()
    {
        using var source = new Broken(label: 2, feature: 0.5f);
        var network = TransferLearning.Networks.Network.Create(2, seed: 1).Dense(3, TransferLearning.Networks.Activation.Softmax);

        var history = new Trainer(new TrainingOptions { Epochs = 20, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 0.1f } }).FitFromSource(network, source);

        history.Epochs.Should().HaveCount(20);
        history.Epochs[^1].TrainAccuracy.Should().Be(1);
    }

    /// <summary>10 examples of 2 features, 3 classes; every example has the given label and feature values.</summary>
    private sealed class Broken(int label, float feature) : DataSource(10, 2, 3, 0)
    {
        protected override void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
        {
            features.Fill(feature);
            labels.Fill(label);
        }
    }
}
