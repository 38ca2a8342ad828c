using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Training;

/// <summary>
/// A run from a <see cref="DataSource"/> checkpointed by <see cref="Trainer.FitFromSource"/>, stopped and resumed with
/// <see cref="Trainer.ResumeFromSource"/> into fresh objects, ends bit for bit where the uninterrupted streamed run ends —
/// weights, optimiser state and history — under the seeded streaming shuffle; and a checkpoint of the other kind of run is refused.
/// </summary>
public sealed class SourceCheckpointTests : IDisposable
{
    private const int Epochs = 4;
    private const int Count = 1000;
    private readonly TempFolder _folder = new();
    private readonly string _x;
    private readonly string _y;

    public SourceCheckpointTests()
    {
        var (pixels, labels, _) = SourceTrainingTests.Bytes(Count);
        _x = _folder.File("x.npy");
        _y = _folder.File("y.npy");
        NpyFormat.Save<byte>(_x, pixels, Count, 12);
        NpyFormat.Save<byte>(_y, labels, Count);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Dense and dropout: the dropout generator is state a checkpoint must carry.</summary>
    private static Network Build(int seed) =>
        Network.Create(12, seed).Dense(16, Activation.ReLU).Dropout(0.2f).Dense(3, Activation.Softmax);

    /// <summary>1,000 examples in chunks of 64, windows of 4 chunks: several windows a epoch, a partial last chunk and batch.</summary>
    private static TrainingOptions Options(OptimizerOptions optimizer) => new()
    {
        Epochs = Epochs,
        BatchSize = 30,
        Seed = 11,
        Optimizer = optimizer,
        StreamingShuffle = new StreamingShuffle { ChunkSize = 64, WindowChunks = 4 },
    };

    private NpySource Open() => NpySource.Open(_x, _y, scale: 1f / 255);

    private static float[][] State(Network network) => network.Parameters.Concat(network.Buffers).Select(p => p.Values.ToArray()).ToArray();

    public static TheoryData<string> Optimizers => ["sgd", "adam"];

    private static OptimizerOptions Optimizer(string name) => name == "adam"
        ? new AdamOptions { LearningRate = 0.01f, WeightDecay = 1e-4f }
        : new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ResumeFromSource_FromTheEpoch2Checkpoint_EqualsTheUninterruptedStreamedRunBitForBit(string optimizer)
    {
        var options = Options(Optimizer(optimizer));
        string straightPath = _folder.File("straight.safetensors");
        var straight = Build(1);
        TrainingHistory expected;
        using (var train = Open())
        using (var validation = Open())
        {
            expected = new Trainer(options with { Checkpoint = new CheckpointOptions { Path = straightPath } }).FitFromSource(straight, train, validation);
        }

        string path = _folder.File("run.safetensors");
        var withCheckpoints = options with { Checkpoint = new CheckpointOptions { Path = path } };
        using (var train = Open())
        using (var validation = Open())
        {
            Interrupt(withCheckpoints, Build(1), 2, train, validation);
        }

        Done(path).Should().Be(2);
        var resumed = Build(99); // other initial weights and dropout seed: all that matters comes from the checkpoint
        var reports = new List<TrainingProgress>();
        TrainingHistory history;
        using (var train = Open())
        using (var validation = Open())
        {
            history = new Trainer(withCheckpoints).ResumeFromSource(path, resumed, train, validation, new SynchronousProgress<TrainingProgress>(reports.Add));
        }

        Weights.ShouldBeIdentical(State(resumed), State(straight), "resumed = uninterrupted, bit for bit");
        history.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate))
            .Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate)));
        reports.Where(r => r.CompletedEpoch is not null).Select(r => r.Epoch).Should().Equal(3, 4);

        // The final checkpoints hold the same tensors: weights, the optimiser's state (momentum; Adam's moments), the divergence guard's weights.
        var resumedTensors = Tensors(path);
        var straightTensors = Tensors(straightPath);
        resumedTensors.Keys.Should().BeEquivalentTo(straightTensors.Keys);
        resumedTensors.Keys.Should().Contain(k => k.StartsWith("optimizer.", StringComparison.Ordinal));
        foreach (var (name, values) in straightTensors)
        {
            Weights.ShouldBeIdentical([resumedTensors[name]], [values], name);
        }
    }

    [Fact]
    public void FitFromSource_WithCheckpoint_WritesASourceCheckpointAfterEveryEpoch()
    {
        // 1.0 refused TrainingOptions.Checkpoint from a source.
        string path = _folder.File("run.safetensors");
        using var train = Open();

        new Trainer(Options(Optimizer("sgd")) with { Epochs = 2, Checkpoint = new CheckpointOptions { Path = path } }).FitFromSource(Build(1), train);

        Done(path).Should().Be(2);
        Metadata(path, "data.kind").Should().Be("source");
        Metadata(path, "data.train").Should().StartWith("1000 examples, 12 features, 3 classes, 256 sampled examples ");
        Metadata(path, "options.StreamingShuffle").Should().Be("chunks of 64, windows of 4 chunks");
    }

    [Fact]
    public void ResumeFromSource_WithMoreEpochs_TrainsOn()
    {
        string path = _folder.File("run.safetensors");
        var options = Options(Optimizer("sgd")) with { Epochs = 2, Checkpoint = new CheckpointOptions { Path = path } };
        using var train = Open();
        new Trainer(options).FitFromSource(Build(1), train);

        var resumed = new Trainer(options with { Epochs = 3 }).ResumeFromSource(path, Build(1), train);

        resumed.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void ResumeFromSource_FromTheLastCheckpoint_TrainsNoMoreAndReadsNoMiniBatch()
    {
        string path = _folder.File("run.safetensors");
        var options = Options(Optimizer("sgd")) with { Epochs = 2, Checkpoint = new CheckpointOptions { Path = path } };
        using var train = Open();
        var network = Build(1);
        var history = new Trainer(options).FitFromSource(network, train);

        var fresh = Build(99);
        var reports = new List<TrainingProgress>();
        var resumed = new Trainer(options).ResumeFromSource(path, fresh, train, null, new SynchronousProgress<TrainingProgress>(reports.Add));

        reports.Should().BeEmpty("every epoch was done");
        Weights.ShouldBeIdentical(State(fresh), State(network));
        resumed.Epochs.Should().BeEquivalentTo(history.Epochs);
    }

    [Fact]
    public void ResumeFromSource_ACheckpointOfADatasetRun_ThrowsNamingTheCheckpoint()
    {
        string path = _folder.File("dataset.safetensors");
        var options = Options(Optimizer("sgd")) with { Epochs = 1, Checkpoint = new CheckpointOptions { Path = path } };
        using var train = Open();
        var data = train.ToDataset();
        new Trainer(options).Fit(Build(1), data);
        var network = Build(2);
        var before = State(network);

        Throws.Argument<ArgumentException>(() => new Trainer(options).ResumeFromSource(path, network, train), "checkpointPath", path, "Trainer.Resume");
        Weights.ShouldBeIdentical(State(network), before, "a refused checkpoint changes nothing");
    }

    [Fact]
    public void Resume_ACheckpointOfASourceRun_ThrowsNamingTheCheckpoint()
    {
        string path = _folder.File("source.safetensors");
        var options = Options(Optimizer("sgd")) with { Epochs = 1, Checkpoint = new CheckpointOptions { Path = path } };
        using var train = Open();
        new Trainer(options).FitFromSource(Build(1), train);

        Throws.Argument<ArgumentException>(() => new Trainer(options).Resume(path, Build(2), train.ToDataset()), "checkpointPath", path, "Trainer.ResumeFromSource");
    }

    [Fact]
    public void ResumeFromSource_OtherSourceOrStreamingShuffle_ThrowsNamingWhatDiffers()
    {
        string path = _folder.File("run.safetensors");
        var options = Options(Optimizer("sgd")) with { Checkpoint = new CheckpointOptions { Path = path } };
        using var train = Open();
        Interrupt(options, Build(1), 1, train, null);

        // Same shape, one sampled example changed (example 999, the last, is always sampled).
        var (pixels, labels, _) = SourceTrainingTests.Bytes(Count);
        pixels[(999 * 12) + 5] ^= 1;
        string x = _folder.File("other-x.npy");
        NpyFormat.Save<byte>(x, pixels, Count, 12);
        using var other = NpySource.Open(x, _y, scale: 1f / 255);
        using var fewer = train.Subset(Enumerable.Range(0, Count - 1).ToArray());
        var trainer = new Trainer(options);

        Throws.Argument<ArgumentException>(() => trainer.ResumeFromSource(path, Build(1), other), "train", "1000 examples", "sampled examples");
        Throws.Argument<ArgumentException>(() => trainer.ResumeFromSource(path, Build(1), fewer), "train", "1000 examples", "999 examples");
        Throws.Argument<ArgumentException>(() => trainer.ResumeFromSource(path, Build(1), train, train), "validation", "none", "1000 examples");
        Throws.Argument<ArgumentException>(
            () => new Trainer(options with { StreamingShuffle = new StreamingShuffle { ChunkSize = 32, WindowChunks = 4 } }).ResumeFromSource(path, Build(1), train),
            "checkpointPath",
            "TrainingOptions.StreamingShuffle",
            "chunks of 64",
            "chunks of 32");
    }

    [Fact]
    public void ResumeFromSource_APretrainingFromSourceOfThePipeline_GivesThePretrainedNetworkOfTheUninterruptedRun()
    {
        string path = _folder.File("pretrain.safetensors");
        var options = Options(new AdamOptions { LearningRate = 0.01f }) with { Checkpoint = new CheckpointOptions { Path = path } };
        var architecture = Build(1);
        using var train = Open();
        var straight = new TransferPipeline().PretrainFromSource(architecture, train, options with { Checkpoint = null });

        Interruption.AfterEpoch(3, (progress, token) => new TransferPipeline().PretrainFromSource(architecture, train, options, null, progress, token));

        var network = architecture.Clone();
        var history = new Trainer(options).ResumeFromSource(path, network, train);

        Weights.ShouldBeIdentical(State(network), State(straight.Network));
        history.Epochs.Select(e => e.TrainLoss).Should().Equal(straight.History.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void ResumeFromSource_NullOrEmptyArguments_Throw()
    {
        using var train = Open();
        var trainer = new Trainer();

        Throws.Argument<ArgumentException>(() => trainer.ResumeFromSource(string.Empty, Build(1), train), "checkpointPath");
        Throws.Argument<ArgumentNullException>(() => trainer.ResumeFromSource("a", null!, train), "network");
        Throws.Argument<ArgumentNullException>(() => trainer.ResumeFromSource("a", Build(1), null!), "train");
    }

    /// <summary>Trains from the source until epoch <paramref name="epochs"/> is done, then cancels (that epoch's checkpoint is written first).</summary>
    private static void Interrupt(TrainingOptions options, Network network, int epochs, DataSource train, DataSource? validation) =>
        Interruption.AfterEpoch(epochs, (progress, token) => new Trainer(options).FitFromSource(network, train, validation, progress, token));

    private static string Metadata(string path, string key) => SafeTensorsReader.Read(path, reader => reader.Header.Metadata[key]);

    private static int Done(string path) => int.Parse(Metadata(path, "run.epochs_done"), System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, float[]> Tensors(string path) =>
        SafeTensorsReader.Read(path, reader => reader.Header.Tensors.ToDictionary(t => t.Name, reader.ReadFloats, StringComparer.Ordinal));
}
