using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Trains <paramref name="network"/> in place from a <see cref="DataSource"/> — a file larger than memory, for
    /// instance — gathering each mini-batch on a background thread while the one before computes.
    /// </summary>
    /// <param name="network">The network; its parameters that are not frozen train.</param>
    /// <param name="train">The training examples; their features must match the network's input size.</param>
    /// <param name="validation">An optional validation source, scored after every epoch in blocks of 4,096 examples.</param>
    /// <param name="progress">Receives a report after every mini-batch and every epoch, on the training thread, as in <see cref="Fit(Network, Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Stops the run before the next mini-batch.</param>
    /// <returns>The history of the run.</returns>
    /// <remarks>
    /// <para>
    /// The steps are those of <see cref="Fit(Network, Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>: forward,
    /// loss, backward and the optimiser on each mini-batch, with the same divergence guard, early stopping, schedules,
    /// progress and cancellation, and no allocation per step. Only the order differs: with
    /// <see cref="TrainingOptions.Shuffle"/> on, the examples are served in the <see cref="TrainingOptions.StreamingShuffle"/>
    /// order (chunks, then windows; bounded memory), the same for every source with the same seed — so a
    /// <see cref="Dataset"/> exposed with <see cref="DataSource.FromDataset(Dataset)"/> and the same examples in a file train to
    /// the same weights, bit for bit. With shuffling off both take the examples in order, as <c>Fit</c> on the
    /// <see cref="Dataset"/> does, and give its weights.
    /// </para>
    /// <para>
    /// Memory: the network, its workspace and three mini-batch buffers; the source's pages are the operating system's page
    /// cache. Frozen features are not cached (<see cref="TrainingOptions.CacheFrozenFeatures"/> is ignored: the cache would
    /// hold every example in memory; frozen layers still cost no backward work).
    /// </para>
    /// <para>
    /// With <see cref="TrainingOptions.Checkpoint"/> the run is saved after every so many epochs, in the format of <see cref="Fit"/>'s
    /// checkpoints, and <see cref="ResumeFromSource"/> goes on from the file: same network, source and options → the uninterrupted
    /// run's weights, bit for bit.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss, or <see cref="TrainingOptions.ParameterGroups"/> names a parameter of another network.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, its top layer is not dense, or no parameter trains.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value (the file and example are named).</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite, or the loss exploded past <see cref="TrainingOptions.DivergenceLossFactor"/> × its reference.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">A checkpoint (<see cref="TrainingOptions.Checkpoint"/>) could not be written; the previous checkpoint file is unchanged.</exception>
    public TrainingHistory FitFromSource(
        Network network,
        DataSource train,
        DataSource? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        FitSourceWithGroups(network, train, validation, null, progress, cancellationToken);

    /// <summary>
    /// Goes on with a run from a checkpoint written by <see cref="FitFromSource"/> (<see cref="TrainingOptions.Checkpoint"/>), as
    /// <see cref="Resume"/> goes on with a run of <see cref="Fit"/>: the checkpoint's weights, optimiser state, epoch, history,
    /// early-stopping and dropout state are put into <paramref name="network"/> and training continues from the source up to
    /// <see cref="TrainingOptions.Epochs"/>. With the same network, source and options the result is the uninterrupted run's,
    /// bit for bit.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <paramref name="network"/> must be built as the checkpointed one was (its weights are replaced), and the options must be
    /// the same — <see cref="TrainingOptions.StreamingShuffle"/> too — except <see cref="TrainingOptions.Epochs"/>, which may be
    /// raised to train on, and <see cref="TrainingOptions.Checkpoint"/>, which says where the resumed run saves its own checkpoints.
    /// </para>
    /// <para>
    /// The source must hold the same examples: the checkpoint keeps its example, feature and class (or target) counts and a
    /// fingerprint of 256 examples spread evenly over it (the first and the last among them; every example of a smaller source),
    /// read without scanning the file — another file of the same shape is refused unless it differs only in examples not
    /// sampled. The streaming order of the epochs still to run follows from the seed and the order of the epochs done, which is
    /// replayed (the generator's draws only, no example is read: about as many draws as examples per epoch done).
    /// A checkpoint of a run on a <see cref="Dataset"/> (<see cref="Fit"/>) is refused: resume it with <see cref="Resume"/>.
    /// </para>
    /// </remarks>
    /// <param name="checkpointPath">The checkpoint file.</param>
    /// <param name="network">A network built like the checkpointed one; its weights are replaced by the checkpoint's and it trains in place.</param>
    /// <param name="train">The training source the checkpoint was made with.</param>
    /// <param name="validation">The validation source the checkpoint was made with, or <see langword="null"/> if it had none.</param>
    /// <param name="progress">Receives the reports of the epochs still to run, as in <see cref="FitFromSource"/>.</param>
    /// <param name="cancellationToken">Stops the run before the next mini-batch.</param>
    /// <returns>The history of the whole run: the checkpoint's epochs, then the new ones.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="checkpointPath"/>, <paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="checkpointPath"/> is empty; or the checkpoint does not match: it was made by a run on a <see cref="Dataset"/>
    /// (<paramref name="checkpointPath"/>), the network (<paramref name="network"/>: a layer, its size, activation or freezing), the data
    /// (<paramref name="train"/> or <paramref name="validation"/>: count, features, classes or the sampled values), the options or
    /// parameter groups (<paramref name="checkpointPath"/>: the option named, with both values); or <see cref="TrainingOptions.Epochs"/>
    /// is fewer than the epochs already done; or the data do not fit the network or the loss. The message names what differs. The
    /// network is then unchanged.
    /// </exception>
    /// <exception cref="Serialization.ModelFormatException">The file is not a training checkpoint of a version this library reads, or is damaged.</exception>
    /// <exception cref="IOException">The checkpoint could not be read (with the path), or a new checkpoint could not be written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, its top layer is not dense, or no parameter trains.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value (the file and example are named).</exception>
    /// <exception cref="TrainingDivergedException">The run diverged, as in <see cref="FitFromSource"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingHistory ResumeFromSource(
        string checkpointPath,
        Network network,
        DataSource train,
        DataSource? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        var checkpoint = ReadCheckpoint(checkpointPath);
        return TrainFromSource(network, train, validation, null, progress, checkpoint, cancellationToken);
    }

    /// <summary>Trains from a source with the given parameter groups (<see langword="null"/>: <see cref="TrainingOptions.ParameterGroups"/>, or every parameter that is not frozen).</summary>
    internal TrainingHistory FitSourceWithGroups(
        Network network,
        DataSource train,
        DataSource? validation,
        IReadOnlyList<ParameterGroup>? groups,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken) =>
        TrainFromSource(network, train, validation, groups, progress, null, cancellationToken);

    /// <summary>Trains from a source from the start, or from <paramref name="resume"/> when it is given.</summary>
    private TrainingHistory TrainFromSource(
        Network network,
        DataSource train,
        DataSource? validation,
        IReadOnlyList<ParameterGroup>? groups,
        IProgress<TrainingProgress>? progress,
        CheckpointReader? resume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        NetworkEvaluation.EnsureFits(network, train.FeatureCount, nameof(train));
        var loss = Options.Loss ?? Loss.For(network.OutputLayer.Activation);
        loss.Validate(network.OutputLayer, train.ShapeProbe(), nameof(train));
        if (validation is not null)
        {
            NetworkEvaluation.EnsureFits(network, validation.FeatureCount, nameof(validation));
            loss.Validate(network.OutputLayer, validation.ShapeProbe(), nameof(validation));
        }

        var (optimizer, checkpointed, usedGroups) = Prepare(network, groups);
        var identity = Options.Checkpoint is not null || resume is not null ? new CheckpointIdentity(network, usedGroups, Options, loss, train, validation) : null;
        if (resume is not null)
        {
            identity!.EnsureMatches(resume);
            RestoreNetwork(resume, network, usedGroups);
        }

        using var batches = new SourceBatches(train, Options.BatchSize, Options.Shuffle, Options.StreamingShuffle, new Xoshiro256StarStar(Options.Seed));
        using var training = network.BeginTraining();
        var run = new Run(network, loss, optimizer, checkpointed, batches, train.Count, train.IsClassification, 0, Options, progress, cancellationToken) { Identity = identity };
        if (resume is not null)
        {
            run.Restore(resume);
        }

        return run.Execute(validation is null ? null : () => NetworkEvaluation.Evaluate(network, validation, loss, 0));
    }
}
