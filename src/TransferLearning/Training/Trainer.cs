using System.Diagnostics;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Mini-batch gradient descent: shuffle (seeded) every epoch, forward, loss, backward, optimiser step;
/// optional validation, early stopping with restore-best, learning-rate schedules, progress and cancellation.
/// </summary>
/// <remarks>
/// <para>
/// Same network, data, options and seed → bit-identical weights. Buffers are sized once per run; a step
/// allocates nothing. When the bottom layers of the network are wholly frozen, their outputs are computed
/// once per data set and reused every epoch (<see cref="TrainingOptions.CacheFrozenFeatures"/>).
/// </para>
/// <para>
/// A non-finite loss or non-finite weights stop the run with <see cref="TrainingDivergedException"/>
/// and the network reset to its last checkpoint: weights whose mini-batch loss was finite, taken every
/// <see cref="TrainingOptions.DivergenceCheckpointInterval"/> mini-batches (every one when it is 1). Cancellation is checked before every
/// mini-batch: the run stops within one mini-batch with <see cref="OperationCanceledException"/>, and
/// the network holds the weights after the last completed step.
/// </para>
/// </remarks>
public sealed class Trainer
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
    /// <param name="progress">Receives a report after every mini-batch and every epoch (synchronously, on the training thread).</param>
    /// <param name="cancellationToken">Stops the run before the next mini-batch.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers, or no parameter trains.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public TrainingHistory Fit(
        Network network,
        Dataset train,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        network.EnsureFits(train, nameof(train));
        var loss = Options.Loss ?? Loss.For(network.OutputLayer.Activation);
        loss.Validate(network.OutputLayer, train, nameof(train));
        if (validation is not null)
        {
            network.EnsureFits(validation, nameof(validation));
            loss.Validate(network.OutputLayer, validation, nameof(validation));
        }

        var groups = Options.ParameterGroups?.Invoke(network) ?? DefaultGroups(network);
        var optimizer = Options.Optimizer.Create(groups);
        var trainable = groups.SelectMany(g => g.Parameters).Where(p => !p.IsFrozen).Distinct().ToArray();
        if (trainable.Length == 0)
        {
            throw new InvalidOperationException("Every parameter in the parameter groups is frozen: there is nothing to train.");
        }

        // Frozen-feature caching: a wholly frozen bottom block is run once per data set.
        int first = Options.CacheFrozenFeatures ? network.FrozenPrefixLength() : 0;
        var trainSet = first > 0 ? FeaturesAt(network, train, first) : train;
        var validationSet = validation is not null && first > 0 ? FeaturesAt(network, validation, first) : validation;

        using var training = network.BeginTraining();
        var run = new Run(network, loss, optimizer, trainable, trainSet, first, Options, progress, cancellationToken);
        return run.Execute(validationSet);
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

    private static Dataset FeaturesAt(Network network, Dataset data, int layer)
    {
        var features = new float[network.Layers[layer - 1].OutputSize * data.Count];
        network.Infer(data.FeatureData, data.Count, 0, layer, features);
        return data.WithFeatures(features, network.Layers[layer - 1].OutputSize);
    }

    /// <summary>The state of one call to <see cref="Fit"/>; every buffer is allocated here, once.</summary>
    private sealed class Run
    {
        private readonly Network _network;
        private readonly Loss _loss;
        private readonly Optimizer _optimizer;
        private readonly Parameter[] _trainable;
        private readonly Dataset _train;
        private readonly int _first;
        private readonly TrainingOptions _options;
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly Workspace _workspace;
        private readonly int[] _order;
        private readonly float[] _targets;
        private readonly float[][] _lastGood;
        private readonly float[][]? _best;
        private readonly Random _random;
        private long _stepsSinceCheckpoint;
        private int _lastGoodEpoch = 1;
        private int _lastGoodBatch = 1;

        public Run(Network network, Loss loss, Optimizer optimizer, Parameter[] trainable, Dataset train, int first, TrainingOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            _network = network;
            _loss = loss;
            _optimizer = optimizer;
            _trainable = trainable;
            _train = train;
            _first = first;
            _options = options;
            _progress = progress;
            _cancellationToken = cancellationToken;
            int capacity = Math.Min(options.BatchSize, train.Count);
            _workspace = new Workspace(network, capacity, first);
            _order = Enumerable.Range(0, train.Count).ToArray();
            _targets = new float[train.TargetCount * capacity];
            _lastGood = trainable.Select(p => new float[p.Length]).ToArray();
            Copy(trainable, _lastGood); // the starting weights, until the first finite loss is seen
            _best = options.EarlyStopping is { RestoreBest: true } ? trainable.Select(p => new float[p.Length]).ToArray() : null;
            _random = new Xoshiro256StarStar(options.Seed);
        }

        public TrainingHistory Execute(Dataset? validation)
        {
            var clock = Stopwatch.StartNew();
            var reports = new List<EpochReport>(_options.Epochs);
            int batchSize = _workspace.Capacity;
            int batches = (_train.Count + batchSize - 1) / batchSize;
            double bestLoss = double.PositiveInfinity;
            int bestEpoch = 0;
            bool stoppedEarly = false;
            for (int epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                _optimizer.LearningRateFactor = _options.Schedule.Factor(epoch - 1, _options.Epochs);
                if (_options.Shuffle)
                {
                    Dataset.Shuffle(_order, _random);
                }

                double lossSum = 0;
                int correct = 0;
                for (int b = 0; b < batches; b++)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    int start = b * batchSize;
                    int count = Math.Min(batchSize, _train.Count - start);
                    double batchLoss = Step(epoch, b + 1, start, count, ref correct);
                    if (!double.IsFinite(batchLoss))
                    {
                        throw Diverged(epoch, b + 1, batchLoss);
                    }

                    lossSum += batchLoss * count;
                    _progress?.Report(new TrainingProgress(epoch, b + 1, batches, batchLoss, null));
                }

                if (!_trainable.All(p => Guard.IsAllFinite(p.Values)))
                {
                    throw Diverged(epoch, 0, double.NaN);
                }

                Evaluation? scored = validation is null ? null : _network.Evaluate(validation.FeatureData, validation, _first, _loss);
                double trainLoss = lossSum / _train.Count;
                var report = new EpochReport(
                    epoch,
                    trainLoss,
                    _train.IsClassification ? (double)correct / _train.Count : null,
                    scored?.Loss,
                    scored?.Accuracy,
                    _optimizer.LearningRate * _optimizer.LearningRateFactor,
                    epochClock.Elapsed);
                reports.Add(report);
                _progress?.Report(new TrainingProgress(epoch, batches, batches, trainLoss, report));

                double monitored = scored?.Loss ?? trainLoss;
                var stopping = _options.EarlyStopping;
                if (monitored < bestLoss - (stopping?.MinDelta ?? 0))
                {
                    bestLoss = monitored;
                    bestEpoch = epoch;
                    if (_best is not null)
                    {
                        Copy(_trainable, _best);
                    }
                }
                else if (stopping is not null && epoch - bestEpoch >= stopping.Patience)
                {
                    stoppedEarly = epoch < _options.Epochs;
                    break;
                }
            }

            bool restored = false;
            if (_best is not null && bestEpoch > 0 && bestEpoch != reports.Count)
            {
                Copy(_best, _trainable);
                restored = true;
            }

            return new TrainingHistory(reports, Math.Max(bestEpoch, 1), stoppedEarly, restored, clock.Elapsed);
        }

        /// <summary>Puts the last checkpoint back and describes the divergence.</summary>
        private TrainingDivergedException Diverged(int epoch, int batch, double loss)
        {
            Copy(_lastGood, _trainable);
            return new TrainingDivergedException(epoch, batch, loss, _lastGoodEpoch, _lastGoodBatch);
        }

        /// <summary>
        /// One mini-batch: gather, forward, loss, backward, step. Returns the batch's mean loss; when it is
        /// finite, the weights that produced it may become the checkpoint a divergence goes back to.
        /// </summary>
        private double Step(int epoch, int batch, int start, int count, ref int correct)
        {
            var ws = _workspace;
            ReadOnlySpan<float> input = Gather(start, count);
            _network.Forward(ws, input, count);

            int last = _network.Layers.Count - 1;
            int rows = _network.OutputSize;
            int size = rows * count;
            var targets = _train.IsClassification
                ? new Losses.BatchTargets(ws.Labels.AsSpan(0, count), default)
                : new Losses.BatchTargets(default, _targets.AsSpan(0, _train.TargetCount * count));
            var z = ws.Z[last].AsSpan(0, size);
            var a = ws.A[last].AsSpan(0, size);
            double batchLoss = _loss.Sum(z, a, rows, targets) / count;
            if (!double.IsFinite(batchLoss))
            {
                return batchLoss;
            }

            if (_stepsSinceCheckpoint++ % _options.DivergenceCheckpointInterval == 0)
            {
                Copy(_trainable, _lastGood);
                (_lastGoodEpoch, _lastGoodBatch) = (epoch, batch);
            }

            if (_train.IsClassification)
            {
                correct += Network.CountCorrect(a, rows, targets.Labels);
            }

            _loss.OutputGradient(z, a, rows, targets, _network.OutputLayer.Activation, ws.DZ[last].AsSpan(0, size));
            _network.Backward(ws, input, count);
            _optimizer.Step();
            return batchLoss;
        }

        /// <summary>Copies the batch's columns (in shuffled order) into the workspace; unshuffled batches are used in place.</summary>
        private ReadOnlySpan<float> Gather(int start, int count)
        {
            var ws = _workspace;
            int n = _train.FeatureCount;
            int t = _train.TargetCount;
            var features = _train.FeatureData;
            var labels = _train.LabelArray;
            var targets = _train.TargetArray;
            if (!_options.Shuffle)
            {
                labels?.AsSpan(start, count).CopyTo(ws.Labels);
                targets?.AsSpan(start * t, count * t).CopyTo(_targets);
                return features.Slice(start * n, count * n);
            }

            for (int j = 0; j < count; j++)
            {
                int src = _order[start + j];
                features.Slice(src * n, n).CopyTo(ws.Input.AsSpan(j * n, n));
                if (labels is not null)
                {
                    ws.Labels[j] = labels[src];
                }
                else
                {
                    targets.AsSpan(src * t, t).CopyTo(_targets.AsSpan(j * t, t));
                }
            }

            return ws.Input.AsSpan(0, count * n);
        }

        private static void Copy(Parameter[] from, float[][] to)
        {
            for (int i = 0; i < from.Length; i++)
            {
                from[i].Values.CopyTo(to[i]);
            }
        }

        private static void Copy(float[][] from, Parameter[] to)
        {
            for (int i = 0; i < to.Length; i++)
            {
                from[i].CopyTo(to[i].Data, 0);
                to[i].MarkChanged();
            }
        }
    }
}
