using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Training and evaluation from a <see cref="DataSource"/>: the same weights streamed or in memory, errors from the reader thread, evaluation in blocks.</summary>
public sealed class SourceTrainingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>m examples of 12 uint8 "pixels" and 3 classes, the class visible in the pixels; saved as uint8, and in memory as scale·byte.</summary>
    internal static (byte[] Pixels, byte[] Labels, Dataset Data) Bytes(int m, int features = 12)
    {
        var pixels = new byte[m * features];
        var labels = new byte[m];
        for (int i = 0; i < m; i++)
        {
            labels[i] = (byte)(i * 7 % 3);
            for (int f = 0; f < features; f++)
            {
                pixels[(i * features) + f] = (byte)((((i * 31) + (f * 17)) % 97) + (f % 3 == labels[i] ? 150 : 0));
            }
        }

        var x = Matrix<float>.Build.Dense(features, m, (f, i) => pixels[(i * features) + f] * (1f / 255));
        return (pixels, labels, Dataset.ForClassification(x, labels.Select(l => (int)l).ToArray(), 3));
    }

    internal static Network Mlp(int inputs = 12) => Network.Create(inputs, seed: 3).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FitFromSource_Uint8NpyFileAndDatasetInMemory_GiveTheSameWeightsBitForBit(bool shuffle)
    {
        // 1,000 examples in chunks of 64, windows of 4 chunks: several windows, a partial last chunk and batch.
        var (pixels, labels, data) = Bytes(1000);
        string x = _folder.File("x.npy");
        string y = _folder.File("y.npy");
        NpyFormat.Save<byte>(x, pixels, 1000, 12);
        NpyFormat.Save<byte>(y, labels, 1000);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 30, Seed = 11, Shuffle = shuffle, StreamingShuffle = new StreamingShuffle { ChunkSize = 64, WindowChunks = 4 } };

        var inMemory = Mlp();
        new Trainer(options).FitFromSource(inMemory, DataSource.FromDataset(data));
        var streamed = Mlp();
        using (var file = NpySource.Open(x, y, scale: 1f / 255))
        {
            new Trainer(options).FitFromSource(streamed, file);
        }

        Weights.AreIdentical(Weights.Of(inMemory), Weights.Of(streamed)).Should().BeTrue();
    }

    [Fact]
    public void FitFromSource_WithoutShuffle_GivesTheWeightsOfFitOnTheDataset()
    {
        var (_, _, data) = Bytes(500);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 32, Seed = 5, Shuffle = false };

        var fitted = Mlp();
        new Trainer(options).Fit(fitted, data);
        var streamed = Mlp();
        new Trainer(options).FitFromSource(streamed, DataSource.FromDataset(data));

        Weights.AreIdentical(Weights.Of(fitted), Weights.Of(streamed)).Should().BeTrue();
    }

    [Fact]
    public void FitFromSource_LearnsASeparableSet()
    {
        var (_, _, data) = Bytes(600);
        var network = Mlp();

        var history = new Trainer(new TrainingOptions { Epochs = 15, BatchSize = 20, Seed = 2, Optimizer = new AdamOptions { LearningRate = 0.01f } })
            .FitFromSource(network, DataSource.FromDataset(data), DataSource.FromDataset(data));

        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
        history.Epochs[^1].ValidationAccuracy.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void FitFromSource_MalformedValueReadInTheBackground_IsRethrownWithTheFileAndExample()
    {
        var values = Enumerable.Range(0, 40 * 12).Select(v => (float)(v % 5)).ToArray();
        values[(33 * 12) + 4] = float.PositiveInfinity;
        string x = _folder.File("x.npy");
        string y = _folder.File("y.npy");
        NpyFormat.Save<float>(x, values, 40, 12);
        NpyFormat.Save<byte>(y, Enumerable.Range(0, 40).Select(i => (byte)(i % 3)).ToArray(), 40);
        using var source = NpySource.Open(x, y);

        var e = Assert.Throws<DataFormatException>(() => new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Shuffle = false }).FitFromSource(Mlp(), source));

        e.FilePath.Should().Be(x);
        e.Location.Should().Be("example 33");
    }

    [Fact]
    public void FitFromSource_WrongFeatureCount_NamesTrain()
    {
        var (_, _, data) = Bytes(20);

        var e = Assert.Throws<ArgumentException>(() => new Trainer().FitFromSource(Mlp(inputs: 13), DataSource.FromDataset(data)));

        e.ParamName.Should().Be("train");
        e.Message.Should().Contain("13").And.Contain("12");
    }

    [Fact]
    public void EvaluateFromSource_MatchesEvaluateOnTheDataset()
    {
        // 9,000 examples: three blocks of the source evaluation, the last one partial.
        var (_, _, data) = Bytes(9000);
        var network = Mlp();
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 100 }).Fit(network, data);

        var inMemory = network.Evaluate(data);
        var streamed = network.EvaluateFromSource(DataSource.FromDataset(data));

        streamed.Accuracy.Should().Be(inMemory.Accuracy);
        streamed.Count.Should().Be(9000);
        streamed.Loss.Should().BeApproximately(inMemory.Loss, 1e-9);
    }

    [Fact]
    public void FitFromSource_RegressionTargets_GivesTheWeightsOfFitWithoutShuffle()
    {
        var x = Matrix<float>.Build.Dense(3, 90, (i, j) => ((i * 5) + (j * 3)) % 11 / 11f);
        var y = Matrix<float>.Build.Dense(2, 90, (i, j) => (x[0, j] * (i + 1)) - x[2, j]);
        var data = Dataset.ForRegression(x, y);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Shuffle = false };
        Network Net() => Network.Create(3, seed: 4).Dense(8, Activation.Tanh).Dense(2, Activation.Identity);

        var fitted = Net();
        new Trainer(options).Fit(fitted, data);
        var streamed = Net();
        var history = new Trainer(options).FitFromSource(streamed, DataSource.FromDataset(data));

        Weights.AreIdentical(Weights.Of(fitted), Weights.Of(streamed)).Should().BeTrue();
        history.Epochs[^1].TrainAccuracy.Should().BeNull();
    }

    [Fact]
    public void FitFromSource_Cancelled_StopsWithinAMiniBatch_AndTheSourceStaysUsable()
    {
        var (_, _, data) = Bytes(2000);
        using var source = DataSource.FromDataset(data);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Batch == 3)
            {
                cancel.Cancel();
            }
        });

        Assert.Throws<OperationCanceledException>(() => new Trainer(new TrainingOptions { Epochs = 5, BatchSize = 10 }).FitFromSource(Mlp(), source, null, progress, cancel.Token));

        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 10 }).FitFromSource(Mlp(), source).Epochs.Should().HaveCount(1);
    }
}
