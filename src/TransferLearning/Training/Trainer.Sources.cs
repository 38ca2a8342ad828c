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
    /// hold every example in memory; frozen layers still cost no backward work), and checkpoints
    /// (<see cref="TrainingOptions.Checkpoint"/>) are not written.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss, <see cref="TrainingOptions.ParameterGroups"/> names a parameter of another network, or <see cref="TrainingOptions.Checkpoint"/> is set (not supported from a source).</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, its top layer is not dense, or no parameter trains.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value (the file and example are named).</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite, or the loss exploded past <see cref="TrainingOptions.DivergenceLossFactor"/> × its reference.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingHistory FitFromSource(
        Network network,
        DataSource train,
        DataSource? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        FitSourceWithGroups(network, train, validation, null, progress, cancellationToken);

    /// <summary>Trains from a source with the given parameter groups (<see langword="null"/>: <see cref="TrainingOptions.ParameterGroups"/>, or every parameter that is not frozen).</summary>
    internal TrainingHistory FitSourceWithGroups(
        Network network,
        DataSource train,
        DataSource? validation,
        IReadOnlyList<ParameterGroup>? groups,
        IProgress<TrainingProgress>? progress,
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

        if (Options.Checkpoint is not null)
        {
            throw new ArgumentException("Expected TrainingOptions.Checkpoint to be null when training from a DataSource (checkpoints are written for a Dataset run) but it is set.", nameof(train));
        }

        var (optimizer, checkpointed, _) = Prepare(network, groups);
        using var batches = new SourceBatches(train, Options.BatchSize, Options.Shuffle, Options.StreamingShuffle, new Xoshiro256StarStar(Options.Seed));
        using var training = network.BeginTraining();
        var run = new Run(network, loss, optimizer, checkpointed, batches, train.Count, train.IsClassification, 0, Options, progress, cancellationToken);
        return run.Execute(validation is null ? null : () => NetworkEvaluation.Evaluate(network, validation, loss, 0));
    }
}
