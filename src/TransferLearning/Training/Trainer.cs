using System.Diagnostics;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>
/// Mini-batch gradient descent: shuffle (seeded) every epoch, then per mini-batch the public <see cref="TrainingStep"/>
/// (forward, loss, backward) and the optimiser step;
/// optional validation, early stopping with restore-best, learning-rate schedules, progress and cancellation.
/// </summary>
/// <remarks>
/// <para>
/// Same network, data, options and seed → bit-identical weights. Buffers are sized once per run; a step
/// allocates nothing. When the bottom layers of the network are wholly frozen, their outputs are computed
/// once per data set and reused every epoch (<see cref="TrainingOptions.CacheFrozenFeatures"/>). With
/// <see cref="TrainingOptions.ClassWeighting"/> the loss weighs each example by its class, the weights taken from the
/// training set's class counts once per run (the training and validation losses both).
/// </para>
/// <para>
/// A diverging run — a mini-batch loss that is NaN or ∞ or exceeds <see cref="TrainingOptions.DivergenceLossFactor"/>
/// × the larger of the run's first mini-batch loss and its best epoch loss, or non-finite weights or outputs
/// at the end of an epoch — stops with <see cref="TrainingDivergedException"/>
/// and the network reset to its last checkpoint: weights whose mini-batch loss had not diverged, taken every
/// <see cref="TrainingOptions.DivergenceCheckpointInterval"/> mini-batches (every one when it is 1). Cancellation is checked before every
/// mini-batch: the run stops within one mini-batch with <see cref="OperationCanceledException"/>, and
/// the network holds the weights after the last completed step.
/// </para>
/// <para>
/// With <see cref="TrainingOptions.Checkpoint"/> the run is saved after every so many epochs, and <see cref="Resume"/>
/// goes on from the file in a new process: same network, data and options → the uninterrupted run's weights, bit for bit
/// (a run from a source: <see cref="FitFromSource"/> and <see cref="ResumeFromSource"/>).
/// </para>
/// <para>
/// Data larger than memory train with <see cref="FitFromSource"/>: a <see cref="DataSource"/> (a memory-mapped <c>.npy</c> or IDX
/// file, a CSV file streamed once) gathered a mini-batch at a time on a background thread.
/// </para>
/// </remarks>
public sealed partial class Trainer
{
    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults of <see cref="TrainingOptions"/>.</param>
    public Trainer(TrainingOptions? options = null)
    {
        Options = options ?? new TrainingOptions();
    }

    /// <summary>Gets the settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Trains <paramref name="network"/> in place on <paramref name="train"/>.</summary>
    /// <param name="network">The network; its parameters that are not frozen train.</param>
    /// <param name="train">The training set; its features must match the network's input size.</param>
    /// <param name="validation">An optional validation set, scored after every epoch.</param>
    /// <param name="progress">
    /// Receives a report after every mini-batch and every epoch; <see cref="IProgress{T}.Report(T)"/> is called on the training thread, in order.
    /// <see cref="SynchronousProgress{T}"/> and <see cref="ConsoleProgress"/> act on it there and then; <see cref="Progress{T}"/>
    /// posts each report to its synchronisation context or the thread pool, so its handler may run late, out of order and after
    /// <c>Fit</c> has returned.
    /// </param>
    /// <param name="cancellationToken">Stops the run before the next mini-batch.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss, or <see cref="TrainingOptions.ParameterGroups"/> names a parameter of another network.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, its top layer is not dense, or no parameter trains.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite, or the loss exploded past <see cref="TrainingOptions.DivergenceLossFactor"/> × its reference.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">A checkpoint (<see cref="TrainingOptions.Checkpoint"/>) could not be written; the previous checkpoint file is unchanged.</exception>
    public TrainingHistory Fit(
        Network network,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        FitWithGroups(network, train, validation, null, progress, cancellationToken);

    /// <summary>Trains with the given parameter groups (<see langword="null"/>: <see cref="TrainingOptions.ParameterGroups"/>, or every parameter that is not frozen).</summary>
    internal TrainingHistory FitWithGroups(
        Network network,
        Dataset train,
        Dataset? validation,
        IReadOnlyList<ParameterGroup>? groups,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken) =>
        Train(network, train, validation, groups, progress, null, cancellationToken);

    /// <summary>Trains from the start, or from <paramref name="resume"/> when it is given.</summary>
    private TrainingHistory Train(
        Network network,
        Dataset train,
        Dataset? validation,
        IReadOnlyList<ParameterGroup>? groups,
        IProgress<TrainingProgress>? progress,
        CheckpointReader? resume,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        NetworkEvaluation.EnsureFits(network, train, nameof(train));
        var loss = Options.Loss ?? Loss.For(network.OutputLayer.Activation);
        loss.Validate(network.OutputLayer, train, nameof(train));
        if (Options.ClassWeighting == ClassWeighting.Balanced && train.IsClassification)
        {
            loss = ClassWeightedLoss.Balanced(loss, train, Math.Max(network.OutputSize, 2));
        }
        if (validation is not null)
        {
            NetworkEvaluation.EnsureFits(network, validation, nameof(validation));
            loss.Validate(network.OutputLayer, validation, nameof(validation));
        }

        var (optimizer, checkpointed, usedGroups) = Prepare(network, groups);
        var identity = Options.Checkpoint is not null || resume is not null ? new CheckpointIdentity(network, usedGroups, Options, loss, train, validation) : null;
        if (resume is not null)
        {
            identity!.EnsureMatches(resume);
            RestoreNetwork(resume, network, usedGroups);
        }

        // Frozen-feature caching: a wholly frozen bottom block is run once per data set.
        int first = Options.CacheFrozenFeatures ? network.FrozenPrefixLength() : 0;
        var trainSet = first > 0 ? FeaturesAt(network, train, first) : train;
        var validationSet = validation is not null && first > 0 ? FeaturesAt(network, validation, first) : validation;
        int threads = network.TrainingBackend is Compute.ManagedComputeBackend managed ? managed.MaxThreads : 1;
        var batches = new MiniBatches(trainSet, Options.BatchSize, Options.Shuffle, new Xoshiro256StarStar(Options.Seed), threads);
        using var training = network.BeginTraining();
        var run = new Run(network, loss, optimizer, checkpointed, batches, trainSet.Count, trainSet.IsClassification, first, Options, progress, cancellationToken) { Identity = identity };
        if (resume is not null)
        {
            run.Restore(resume);
        }

        return run.Execute(validationSet is null ? null : () => NetworkEvaluation.Evaluate(network, validationSet.FeatureData, validationSet, first, loss));
    }

    /// <summary>
    /// What every run starts with: the parameter groups (<paramref name="groups"/>, else <see cref="TrainingOptions.ParameterGroups"/>,
    /// else every parameter that is not frozen), checked to be the network's own, their optimiser, and what a divergence or
    /// restore-best puts back (the trainable parameters and the running statistics that move with them).
    /// </summary>
    private (Optimizer Optimizer, Parameter[] Checkpointed, IReadOnlyList<ParameterGroup> Groups) Prepare(Network network, IReadOnlyList<ParameterGroup>? groups)
    {
        groups ??= Options.ParameterGroups?.Invoke(network) ?? DefaultGroups(network);
        EnsureOwnParameters(network, groups);
        var optimizer = Options.Optimizer.Create(groups);
        // The update of a large parameter runs on the threads the managed products may use (one pass over memory that
        // the second core halves); a native BLAS keeps its own threads, so the update stays on this one.
        optimizer.UpdateThreads = network.TrainingBackend is Compute.ManagedComputeBackend managed ? managed.MaxThreads : 1;
        var trainable = groups.SelectMany(g => g.Parameters).Where(p => !p.IsFrozen).Distinct().ToArray();
        if (trainable.Length == 0)
        {
            throw new InvalidOperationException("Every parameter in the parameter groups is frozen: there is nothing to train.");
        }

        return (optimizer, trainable.Concat(network.Layers.Where(l => !l.IsFrozen).SelectMany(l => l.Buffers)).ToArray(), groups);
    }

    private static IReadOnlyList<ParameterGroup> DefaultGroups(Network network)
    {
        var parameters = network.Parameters.Where(p => !p.IsFrozen).ToArray();
        if (parameters.Length == 0)
        {
            throw new InvalidOperationException("Every parameter of the network is frozen: there is nothing to train.");
        }

        return [new ParameterGroup(parameters)];
    }

    /// <summary>Throws when a parameter group names a parameter of another network (training would change that network).</summary>
    private static void EnsureOwnParameters(Network network, IReadOnlyList<ParameterGroup> groups)
    {
        var own = network.Parameters.ToHashSet();
        foreach (var p in groups.SelectMany(g => g.Parameters))
        {
            if (!own.Contains(p))
            {
                throw new ArgumentException(
                    $"Expected parameter groups of the network being trained but parameter '{p.Name}' belongs to another network (TrainingOptions.ParameterGroups must select from the network it is given).",
                    nameof(network));
            }
        }
    }

    /// <summary>The frozen-feature cache: <paramref name="data"/> with its features replaced by <c>A[layer-1]</c>, through the network's one inference path.</summary>
    internal static Dataset FeaturesAt(Network network, Dataset data, int layer)
    {
        int rows = network.InputRowsOf(layer);
        var features = new float[rows * data.Count];
        network.Inference.Run(data.FeatureData, data.Count, 0, layer, features, nameof(data));
        return data.WithFeatures(features, rows);
    }

    /// <summary>The epoch loop of one call to <see cref="Fit"/>; every buffer is allocated here, once.</summary>
    private sealed partial class Run(Network network, Loss loss, Optimizer optimizer, Parameter[] state, IMiniBatches batches, int trainCount, bool classification, int first, TrainingOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        private readonly TrainingStep _step = new(network, loss, batches.Size, first);
        private readonly IMiniBatches _batches = batches;
        private readonly DivergenceGuard _divergence = new(state, options);
        private readonly EarlyStoppingMonitor _stopping = new(state, options.EarlyStopping);
        private readonly List<EpochReport> _reports = new(Math.Min(options.Epochs, 1024)); // not pre-sized for Epochs = int.MaxValue
        private TimeSpan _elapsedBefore;
        private bool _stoppedEarly;
        private bool _ended;

        /// <summary>Gets what identifies the run in a checkpoint (set when checkpoints are written or read).</summary>
        public CheckpointIdentity? Identity { get; init; }

        /// <summary>Runs the epochs; <paramref name="validate"/> scores the validation set after each (<see langword="null"/>: none).</summary>
        public TrainingHistory Execute(Func<Evaluation>? validate)
        {
            var clock = Stopwatch.StartNew();
            var reports = _reports;
            for (int epoch = reports.Count + 1; !_ended && epoch <= options.Epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                optimizer.LearningRateFactor = options.Schedule.Factor(epoch - 1, options.Epochs);
                var (trainLoss, trainAccuracy) = TrainEpoch(epoch);
                if (!_divergence.WeightsAreFinite())
                {
                    throw _divergence.Diverged(epoch, 0, double.NaN);
                }

                _divergence.EpochCompleted(trainLoss);
                Evaluation? scored = validate?.Invoke();
                if (scored is not null && !double.IsFinite(scored.Loss))
                {
                    throw _divergence.Diverged(epoch, 0, double.NaN);
                }

                var report = new EpochReport
                {
                    Epoch = epoch,
                    TrainLoss = trainLoss,
                    TrainAccuracy = trainAccuracy,
                    ValidationLoss = scored?.Loss,
                    ValidationAccuracy = scored?.Accuracy,
                    LearningRate = optimizer.LearningRate * optimizer.LearningRateFactor,
                    Elapsed = epochClock.Elapsed,
                };
                reports.Add(report);
                progress?.Report(new TrainingProgress { Epoch = epoch, Batch = _batches.Count, BatchesPerEpoch = _batches.Count, BatchLoss = trainLoss, CompletedEpoch = report });
                _ended = _stopping.ShouldStop(epoch, scored?.Loss ?? trainLoss);
                _stoppedEarly = _ended && epoch < options.Epochs;
                if (options.Checkpoint is { } checkpoint && (epoch % checkpoint.EveryEpochs == 0 || epoch == options.Epochs || _ended))
                {
                    Save(checkpoint.Path, _elapsedBefore + clock.Elapsed);
                }
            }

            bool restored = _stopping.RestoreBest(reports.Count);
            return new TrainingHistory { Epochs = reports, BestEpoch = Math.Max(_stopping.BestEpoch, 1), StoppedEarly = _stoppedEarly, RestoredBest = restored, Elapsed = _elapsedBefore + clock.Elapsed };
        }

        /// <summary>One pass over the mini-batches; returns the mean training loss and accuracy.</summary>
        private (double Loss, double? Accuracy) TrainEpoch(int epoch)
        {
            _batches.StartEpoch();
            double lossSum = 0;
            int correct = 0;
            for (int b = 0; b < _batches.Count; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = _batches.CountOf(b);
                double batchLoss = Step(epoch, b, count, ref correct);
                lossSum += batchLoss * count;
                progress?.Report(new TrainingProgress { Epoch = epoch, Batch = b + 1, BatchesPerEpoch = _batches.Count, BatchLoss = batchLoss });
            }

            return (lossSum / trainCount, classification ? (double)correct / trainCount : null);
        }

        /// <summary>
        /// One mini-batch: gather, the public step (forward, loss, backward), then the optimiser. A diverging loss
        /// stops the run; a good one may first checkpoint the weights that produced it.
        /// </summary>
        private double Step(int epoch, int b, int count, ref int correct)
        {
            var input = _batches.Gather(b, out var targets);
            double batchLoss = _step.ComputeGradients(input, targets, count);
            if (_divergence.HasDiverged(batchLoss))
            {
                throw _divergence.Diverged(epoch, b + 1, batchLoss);
            }

            _divergence.Passed(batchLoss, epoch, b + 1);
            if (classification)
            {
                correct += NetworkEvaluation.CountCorrect(_step.Output(count), network.OutputSize, targets.Labels);
            }

            optimizer.Step();
            return batchLoss;
        }
    }
}
