using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Training;

/// <summary>
/// A run stopped after k epochs and resumed from its checkpoint, into fresh objects (a network built with another
/// seed, new data objects, a new trainer), ends bit for bit where the uninterrupted run ends.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private const int Epochs = 6;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Dense, batch normalisation and dropout: every kind of state a layer carries through training.</summary>
    private static Network Build(int seed) =>
        Network.Create(2, seed).Dense(16, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);

    private static Dataset Train() => TestData.Blobs(perClass: 30, seed: 2); // 90 examples, batch 16: a short last batch

    private static Dataset Validation() => TestData.Blobs(perClass: 10, seed: 3);

    private static float[][] State(Network network) => network.Parameters.Concat(network.Buffers).Select(p => p.Values.ToArray()).ToArray();

    [Fact]
    public void Resume_SgdWithMomentumAndCosineSchedule_EqualsTheUninterruptedRunBitForBit() =>
        AssertResumeIsUninterrupted(
            new TrainingOptions { Epochs = Epochs, BatchSize = 16, Seed = 5, Optimizer = new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 1e-3f }, Schedule = LearningRateSchedule.Cosine(0.1f) },
            interruptAfter: 2);

    [Fact]
    public void Resume_Adam_EqualsTheUninterruptedRunBitForBit() =>
        AssertResumeIsUninterrupted(
            new TrainingOptions { Epochs = Epochs, BatchSize = 16, Seed = 5, Optimizer = new AdamOptions { LearningRate = 0.01f, WeightDecay = 1e-4f }, DivergenceCheckpointInterval = 3 },
            interruptAfter: 3);

    [Fact]
    public void Resume_EarlyStoppingWithRestoreBest_EqualsTheUninterruptedRunBitForBit()
    {
        // No later epoch can beat the first by 10: the run stops after epoch 3 and goes back to epoch 1's weights,
        // which the checkpoint after epoch 2 must carry.
        var options = new TrainingOptions { Epochs = Epochs, BatchSize = 16, Seed = 5, EarlyStopping = new EarlyStoppingOptions { Patience = 2, MinDelta = 10f, RestoreBest = true } };

        var (history, _) = AssertResumeIsUninterrupted(options, interruptAfter: 2);

        history.Epochs.Should().HaveCount(3);
        history.StoppedEarly.Should().BeTrue();
        history.RestoredBest.Should().BeTrue();
        history.BestEpoch.Should().Be(1);
    }

    [Fact]
    public void Resume_L2SpGroups_KeepTheAnchorsOfTheFirstRun()
    {
        // The groups are made again for the resumed run, from a network with other weights: the anchors must come from the checkpoint.
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = 16,
            Seed = 5,
            ParameterGroups = n => [new ParameterGroup(n.Parameters.Take(4), learningRateScale: 0.5f, anchorDecay: 0.5f), new ParameterGroup(n.Parameters.Skip(4))],
        };

        AssertResumeIsUninterrupted(options, interruptAfter: 4);
    }

    [Fact]
    public void Resume_FrozenBodyWithCachedFeatures_EqualsTheUninterruptedRunBitForBit()
    {
        // The frozen bottom (dense, batch normalisation, dropout) is computed once per data set, from the checkpoint's weights.
        static Network Frozen(int seed)
        {
            var network = Build(seed);
            foreach (var layer in network.Layers.Take(3))
            {
                layer.Freeze();
            }

            return network;
        }

        AssertResumeIsUninterrupted(new TrainingOptions { Epochs = Epochs, BatchSize = 16, Seed = 5 }, interruptAfter: 3, Frozen);
    }

    [Fact]
    public void Resume_Regression_EqualsTheUninterruptedRunBitForBit() =>
        AssertResumeIsUninterrupted(
            new TrainingOptions { Epochs = Epochs, BatchSize = 8, Seed = 5, Optimizer = new SgdOptions { LearningRate = 0.02f, Momentum = 0.9f, Nesterov = true } },
            interruptAfter: 1,
            seed => Network.Create(2, seed).Dense(8, Activation.Tanh).Dropout(0.2f).Dense(1, Activation.Identity),
            () => TestData.Linear(50, seed: 2),
            () => null);

    [Fact]
    public void Resume_APretrainingOfThePipeline_GivesThePretrainedNetworkOfTheUninterruptedRun()
    {
        string path = _folder.File("pretrain.safetensors");
        var options = Options(path);
        var architecture = Build(1);
        var straight = new TransferPipeline().Pretrain(architecture, Train(), options with { Checkpoint = null }, Validation());

        Interruption.AfterEpoch(3, (progress, token) => new TransferPipeline().Pretrain(architecture, Train(), options, Validation(), progress, token));

        var network = architecture.Clone();
        var history = new Trainer(options).Resume(path, network, Train(), Validation());
        var resumed = new PretrainedNetwork { Network = network, SourceExampleCount = Train().Count, SourceClassCount = 3, History = history };

        Weights.ShouldBeIdentical(State(resumed.Network), State(straight.Network));
        resumed.History.Epochs.Select(e => e.TrainLoss).Should().Equal(straight.History.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void Resume_FromTheLastCheckpoint_TrainsNoMoreAndReturnsTheHistory()
    {
        string path = _folder.File("run.safetensors");
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16, Checkpoint = new CheckpointOptions { Path = path } };
        var network = Build(1);
        var history = new Trainer(options).Fit(network, Train(), Validation());

        var fresh = Build(99);
        var reports = new List<TrainingProgress>();
        var resumed = new Trainer(options).Resume(path, fresh, Train(), Validation(), new SynchronousProgress<TrainingProgress>(reports.Add));

        reports.Should().BeEmpty("every epoch was done");
        Weights.ShouldBeIdentical(State(fresh), State(network));
        resumed.Epochs.Should().BeEquivalentTo(history.Epochs);
    }

    [Fact]
    public void Resume_WithMoreEpochs_TrainsOn()
    {
        string path = _folder.File("run.safetensors");
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Checkpoint = new CheckpointOptions { Path = path } };
        new Trainer(options).Fit(Build(1), Train());

        var resumed = new Trainer(options with { Epochs = 4 }).Resume(path, Build(1), Train());

        resumed.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public void Fit_EveryTwoEpochs_SavesAfterTheEvenEpochsAndTheLast()
    {
        string path = _folder.File("run.safetensors");
        var saved = new List<int>();
        var options = new TrainingOptions { Epochs = 5, BatchSize = 16, Checkpoint = new CheckpointOptions { Path = path, EveryEpochs = 2 } };

        // The file is written after the epoch's report: look at it when the next epoch's first batch is reported.
        new Trainer(options).Fit(Build(1), Train(), progress: new SynchronousProgress<TrainingProgress>(r =>
        {
            if (r.Batch == 1 && r.CompletedEpoch is null && File.Exists(path))
            {
                saved.Add(DoneIn(path));
            }
        }));
        saved.Add(DoneIn(path));

        saved.Distinct().Should().Equal(2, 4, 5);
    }

    [Fact]
    public void Resume_AnotherArchitecture_ThrowsNamingTheLayer()
    {
        string path = Checkpoint(out _);
        var other = Network.Create(2, 1).Dense(32, Activation.ReLU).BatchNorm().Dropout(0.3f).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);
        var before = State(other);

        Throws.Argument<ArgumentException>(() => new Trainer(Options(path)).Resume(path, other, Train(), Validation()), "network", "layer 0", "Dense(2 → 32, ReLU)", "Dense(2 → 16, ReLU)");
        Weights.ShouldBeIdentical(State(other), before, "a checkpoint that does not match changes nothing");
    }

    [Fact]
    public void Resume_AnotherFreezing_ThrowsNamingTheLayer()
    {
        string path = Checkpoint(out _);
        var frozen = Build(1);
        frozen.Layers[0].Freeze();

        Throws.Argument<ArgumentException>(() => new Trainer(Options(path)).Resume(path, frozen, Train(), Validation()), "network", "layer 0", "frozen");
    }

    [Fact]
    public void Resume_OtherData_ThrowsNamingTheSet()
    {
        string path = Checkpoint(out _);
        var trainer = new Trainer(Options(path));

        Throws.Argument<ArgumentException>(() => trainer.Resume(path, Build(1), TestData.Blobs(perClass: 30, seed: 4), Validation()), "train", "90 examples");
        Throws.Argument<ArgumentException>(() => trainer.Resume(path, Build(1), TestData.Blobs(perClass: 29, seed: 2), Validation()), "train", "90 examples", "87 examples");
        Throws.Argument<ArgumentException>(() => trainer.Resume(path, Build(1), Train()), "validation", "30 examples", "none");
    }

    [Fact]
    public void Resume_OtherOptions_ThrowsNamingTheOption()
    {
        string path = Checkpoint(out _);

        Throws.Argument<ArgumentException>(() => new Trainer(Options(path) with { BatchSize = 8 }).Resume(path, Build(1), Train(), Validation()), "checkpointPath", "TrainingOptions.BatchSize", "(16)", "8");
        Throws.Argument<ArgumentException>(() => new Trainer(Options(path) with { Optimizer = new SgdOptions { LearningRate = 0.1f } }).Resume(path, Build(1), Train(), Validation()), "checkpointPath", "TrainingOptions.Optimizer");
        Throws.Argument<ArgumentException>(() => new Trainer(Options(path) with { Epochs = 1 }).Resume(path, Build(1), Train(), Validation()), "checkpointPath", "2 epochs", "got 1");
        Throws.Argument<ArgumentException>(() => new Trainer(Options(path) with { ClassWeighting = ClassWeighting.Balanced }).Resume(path, Build(1), Train(), Validation()), "checkpointPath", "TrainingOptions.Loss", "with balanced class weights");
    }

    [Fact]
    public void Resume_DamagedOrForeignFile_ThrowsModelFormatException()
    {
        string path = Checkpoint(out _);
        string cut = _folder.File("cut.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 100)]);
        string network = _folder.File("network.safetensors");
        Build(1).Save(network);
        var trainer = new Trainer(Options(path));

        trainer.Invoking(t => t.Resume(cut, Build(1), Train(), Validation())).Should().Throw<ModelFormatException>().Which.FilePath.Should().Be(cut);
        trainer.Invoking(t => t.Resume(network, Build(1), Train(), Validation())).Should().Throw<ModelFormatException>()
            .Which.Problem.Should().Contain("not a training checkpoint");
        trainer.Invoking(t => t.Resume(_folder.File("missing.safetensors"), Build(1), Train(), Validation())).Should().Throw<IOException>()
            .Which.Message.Should().Contain("missing.safetensors");
    }

    [Fact]
    public void Fit_CheckpointPathIsADirectory_ThrowsIOExceptionWithThePath()
    {
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16, Checkpoint = new CheckpointOptions { Path = _folder.Path } };

        new Trainer(options).Invoking(t => t.Fit(Build(1), Train())).Should().Throw<IOException>().Which.Message.Should().Contain(_folder.Path);
    }

    [Fact]
    public void CheckpointOptions_Defaults_AndValidation()
    {
        new TrainingOptions().Checkpoint.Should().BeNull();
        new CheckpointOptions { Path = "a" }.EveryEpochs.Should().Be(1);
        Throws.Argument<ArgumentException>(() => _ = new CheckpointOptions { Path = " " }, "Path");
        Throws.Argument<ArgumentOutOfRangeException>(() => _ = new CheckpointOptions { Path = "a", EveryEpochs = 0 }, "EveryEpochs");
    }

    [Fact]
    public void ResumableRandom_DrawsMathNetsXoshiroSequence_AndResumesFromItsState()
    {
        foreach (int seed in new[] { 0, 7, -3, int.MaxValue })
        {
            var expected = new Xoshiro256StarStar(seed, threadSafe: false);
            var actual = new ResumableRandom(seed);
            for (int i = 0; i < 1000; i++)
            {
                actual.NextDouble().Should().Be(expected.NextDouble());
            }

            var copy = new ResumableRandom(1) { State = actual.State };
            copy.NextDouble().Should().Be(expected.NextDouble()).And.Be(actual.NextDouble());
        }
    }

    private static TrainingOptions Options(string path) =>
        new() { Epochs = Epochs, BatchSize = 16, Seed = 5, Checkpoint = new CheckpointOptions { Path = path } };

    /// <summary>A checkpoint after 2 epochs of a 6-epoch run (stopped by cancellation).</summary>
    private string Checkpoint(out Network network)
    {
        string path = _folder.File("run.safetensors");
        network = Build(1);
        Interrupt(Options(path), network, 2);
        return path;
    }

    private static int DoneIn(string path) => int.Parse(new MetadataReaderProbe(path).Value("run.epochs_done"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Trains until epoch <paramref name="epochs"/> is done, then cancels (the checkpoint of that epoch is written first).</summary>
    private static void Interrupt(TrainingOptions options, Network network, int epochs) => Interrupt(options, network, epochs, Train(), Validation());

    private static void Interrupt(TrainingOptions options, Network network, int epochs, Dataset train, Dataset? validation) =>
        Interruption.AfterEpoch(epochs, (progress, token) => new Trainer(options).Fit(network, train, validation, progress, token));

    private (TrainingHistory History, Network Network) AssertResumeIsUninterrupted(
        TrainingOptions options, int interruptAfter, Func<int, Network>? build = null, Func<Dataset>? train = null, Func<Dataset?>? validation = null)
    {
        build ??= Build;
        train ??= Train;
        validation ??= Validation;
        var straight = build(1);
        var expected = new Trainer(options).Fit(straight, train(), validation());

        string path = _folder.File("run.safetensors");
        var withCheckpoints = options with { Checkpoint = new CheckpointOptions { Path = path } };
        Interrupt(withCheckpoints, build(1), interruptAfter, train(), validation());

        var resumed = build(99); // other initial weights and dropout seeds: all that matters comes from the checkpoint
        var reports = new List<TrainingProgress>();
        var history = new Trainer(withCheckpoints).Resume(path, resumed, train(), validation(), new SynchronousProgress<TrainingProgress>(reports.Add));

        Weights.ShouldBeIdentical(State(resumed), State(straight), "resumed = uninterrupted, weights and running statistics bit for bit");
        history.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate))
            .Should().Equal(expected.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.TrainAccuracy, e.ValidationLoss, e.ValidationAccuracy, e.LearningRate)));
        (history.BestEpoch, history.StoppedEarly, history.RestoredBest).Should().Be((expected.BestEpoch, expected.StoppedEarly, expected.RestoredBest));
        reports.Where(r => r.CompletedEpoch is not null).Select(r => r.Epoch).Should().Equal(Enumerable.Range(interruptAfter + 1, expected.Epochs.Count - interruptAfter));
        return (history, resumed);
    }

    /// <summary>Reads one metadata value of a safetensors file.</summary>
    private sealed class MetadataReaderProbe(string path)
    {
        public string Value(string key) =>
            SafeTensorsReader.Read(path, reader => reader.Header.Metadata[key]);
    }
}
