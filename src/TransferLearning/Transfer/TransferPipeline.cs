using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Pretrain on a source task; then, on a copy, remove the output layer (<c>W[L]</c>, <c>b[L]</c>, or the
/// top k layers), put new randomly initialised layers in its place, and train on the target task only
/// the new layers, the top pretrained layers too, or everything — as the policy decides, and says why.
/// </summary>
/// <example>
/// <code>
/// var pipeline = new TransferPipeline();
/// var pretrained = pipeline.Pretrain(architecture, source);
/// var result = pipeline.Transfer(pretrained, target, new TransferOptions { NewLayers = [Layer.Dense(5, Activation.Softmax)] });
/// Console.WriteLine(result.Decision);   // the strategy and the reasons, with the numbers used
/// </code>
/// </example>
public sealed class TransferPipeline
{
    private static readonly EarlyStoppingOptions TwoPhaseHeadStopping = new() { Patience = 3, MinDelta = 1e-4f };

    /// <summary>Trains a copy of <paramref name="architecture"/> on the source task.</summary>
    /// <param name="architecture">The network to pretrain; it is not modified (a copy trains).</param>
    /// <param name="source">The source task's training data.</param>
    /// <param name="options">The training settings; <see langword="null"/> for the defaults.</param>
    /// <param name="validation">An optional source validation set.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The trained network with the source example count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public PretrainedNetwork Pretrain(
        Network architecture,
        Dataset source,
        TrainingOptions? options = null,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(source);
        var network = architecture.Clone();
        var history = new Trainer(options).Fit(network, source, validation, progress, cancellationToken);
        return new PretrainedNetwork(network, source.Count, history);
    }

    /// <summary>Transfers a network pretrained by <see cref="Pretrain"/>; its source example count informs the policy.</summary>
    /// <param name="pretrained">The pretrained network; not modified.</param>
    /// <param name="target">The target task's training data.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. A <see cref="TransferOptions.SourceExampleCount"/> set here wins.</param>
    /// <param name="validation">An optional target validation set.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The new network, the decision and the history.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target does not share the source's input x, or the options do not fit the network or the target.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed or trained than the network has.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TransferResult Transfer(
        PretrainedNetwork pretrained,
        Dataset target,
        TransferOptions? options = null,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        options ??= new TransferOptions();
        options = options with { SourceExampleCount = options.SourceExampleCount ?? pretrained.SourceExampleCount };
        return Transfer(pretrained.Network, target, options, validation, progress, cancellationToken);
    }

    /// <summary>
    /// Transfers <paramref name="pretrained"/> to the target task: copy, strip the top layers, add the new
    /// layers, decide the strategy, train.
    /// </summary>
    /// <param name="pretrained">The pretrained network; not modified.</param>
    /// <param name="target">The target task's training data; same number of features as the network's inputs.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="validation">An optional target validation set.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The new network, the decision and the history.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target does not share the source's input x, has fewer than 2 classes, or the options do not fit the network or the target.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed or trained than the network has.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TransferResult Transfer(
        Network pretrained,
        Dataset target,
        TransferOptions? options = null,
        Dataset? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new TransferOptions();
        var newLayers = Validate(pretrained, target, options);
        var situation = Situation(pretrained, target, options, newLayers);
        var decision = options.Policy.Choose(new TransferContext(pretrained, target, options, situation, cancellationToken));
        var (network, history) = Train(pretrained, target, validation, options, decision.Strategy, progress, cancellationToken);
        return new TransferResult(network, decision, history);
    }

    /// <summary>
    /// Builds, without training, the network a strategy would train: a copy of the pretrained network
    /// without its top <see cref="TransferOptions.RemovedLayers"/> layers, the new layers on top
    /// (random from <see cref="TransferOptions.Seed"/>), and the layers the strategy keeps fixed frozen.
    /// </summary>
    /// <param name="pretrained">The pretrained network; not modified.</param>
    /// <param name="target">The target task's training data (sizes the default new layer).</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The new network.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target does not share the source's input x, or the strategy would train nothing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed or trained than the network has.</exception>
    public Network Build(Network pretrained, Dataset target, TransferStrategy strategy, TransferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        options ??= new TransferOptions();
        var newLayers = Validate(pretrained, target, options);
        return Build(pretrained, newLayers, options, strategy, nameof(strategy));
    }

    /// <summary>Builds and trains the network of one strategy (for TwoPhase: both phases).</summary>
    internal static (Network Network, TrainingHistory History) Train(
        Network pretrained,
        Dataset target,
        Dataset? validation,
        TransferOptions options,
        TransferStrategy strategy,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var newLayers = ResolveNewLayers(target, options);
        var network = Build(pretrained, newLayers, options, strategy, nameof(options));
        int kept = PretrainedBody.KeptLayers(pretrained, options.RemovedLayers);
        if (strategy.Kind == TransferStrategyKind.FromScratch)
        {
            kept = 0; // every layer is new: no pretrained values to anchor to or to slow down
        }

        var training = options.Training with { ParameterGroups = net => Groups(net, kept, options, options.PretrainedLearningRateScale, 1f) };
        if (strategy.Kind != TransferStrategyKind.TwoPhase)
        {
            var history = new Trainer(training).Fit(network, target, validation, progress, cancellationToken);
            return (network, history);
        }

        // TwoPhase ("LP-FT"): the head to convergence on a frozen body — early stopping, the caller's or
        // (patience 3) on the monitored loss, within Training.Epochs — then everything at a lower rate.
        var headTraining = training with { EarlyStopping = training.EarlyStopping ?? TwoPhaseHeadStopping };
        var first = new Trainer(headTraining).Fit(network, target, validation, progress, cancellationToken);
        foreach (var layer in network.Layers)
        {
            layer.Unfreeze();
        }

        float scale = options.TwoPhaseFineTuneScale;
        var second = new Trainer(options.Training with { ParameterGroups = net => Groups(net, kept, options, scale, scale) })
            .Fit(network, target, validation, progress, cancellationToken);
        return (network, Concatenate(first, second));
    }

    /// <summary>The network a strategy trains; <paramref name="paramName"/> is the argument a bad strategy is blamed on.</summary>
    private static Network Build(Network pretrained, IReadOnlyList<LayerSpec> newLayers, TransferOptions options, TransferStrategy strategy, string paramName)
    {
        int kept = PretrainedBody.KeptLayers(pretrained, options.RemovedLayers);
        int keptDense = pretrained.DenseLayers.Count - options.RemovedLayers;
        if (strategy.Kind == TransferStrategyKind.LastLayers && strategy.PretrainedLayersToTrain > keptDense)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                strategy.PretrainedLayersToTrain,
                string.Create(CultureInfo.InvariantCulture, $"Expected LastLayers(k) with k ≤ {keptDense} (the pretrained dense layers kept after removing {options.RemovedLayers} of {pretrained.DenseLayers.Count}) but got k = {strategy.PretrainedLayersToTrain}."));
        }

        if (newLayers.Count == 0 && strategy.Kind is TransferStrategyKind.HeadOnly or TransferStrategyKind.TwoPhase)
        {
            throw new ArgumentException(
                $"{strategy} trains the new layers first, but TransferOptions.NewLayers is empty: it would train nothing.", paramName);
        }

        Network network;
        if (strategy.Kind == TransferStrategyKind.FromScratch)
        {
            network = Network.Create(pretrained.InputSize, options.Seed);
            network.Backend = pretrained.Backend;
            for (int l = 0; l < kept; l++)
            {
                network.Add(pretrained.Layers[l].ToSpec());
            }
        }
        else
        {
            network = pretrained.Clone(kept, options.Seed);
            foreach (var layer in network.Layers)
            {
                layer.Unfreeze();
            }
        }

        foreach (var spec in newLayers)
        {
            network.Add(spec);
        }

        int frozen = strategy.Kind switch
        {
            TransferStrategyKind.HeadOnly or TransferStrategyKind.TwoPhase => kept,
            TransferStrategyKind.LastLayers => PretrainedBody.FirstTrainedLayer(network, kept, strategy.PretrainedLayersToTrain),
            _ => 0,
        };
        for (int l = 0; l < frozen; l++)
        {
            network.Layers[l].Freeze();
        }

        return network;
    }

    /// <summary>The new layers in one group, the trainable pretrained layers in another (own rate, L2-SP).</summary>
    private static IReadOnlyList<ParameterGroup> Groups(Network network, int kept, TransferOptions options, float pretrainedScale, float newScale)
    {
        var groups = new List<ParameterGroup>();
        var pretrained = network.Layers.Take(kept).SelectMany(l => l.Parameters).Where(p => !p.IsFrozen).ToArray();
        var added = network.Layers.Skip(kept).SelectMany(l => l.Parameters).Where(p => !p.IsFrozen).ToArray();
        if (added.Length > 0)
        {
            groups.Add(new ParameterGroup(added, newScale, options.NewLayerWeightDecay));
        }

        if (pretrained.Length > 0)
        {
            // With L2-SP the pull is towards the pretrained values, not towards zero.
            float? decay = options.AnchorDecay > 0 ? 0f : null;
            groups.Add(new ParameterGroup(pretrained, pretrainedScale, decay, options.AnchorDecay));
        }

        if (groups.Count == 0)
        {
            throw new InvalidOperationException("No parameter would train: every layer is frozen.");
        }

        return groups;
    }

    private static TrainingHistory Concatenate(TrainingHistory first, TrainingHistory second)
    {
        int offset = first.Epochs.Count;
        var epochs = first.Epochs.Concat(second.Epochs.Select(e => e with { Epoch = e.Epoch + offset })).ToArray();
        return new TrainingHistory(epochs, second.BestEpoch + offset, second.StoppedEarly, second.RestoredBest, first.Elapsed + second.Elapsed);
    }

    private static TransferSituation Situation(Network pretrained, Dataset target, TransferOptions options, IReadOnlyList<LayerSpec> newLayers)
    {
        int kept = PretrainedBody.KeptLayers(pretrained, options.RemovedLayers);
        var keptCounts = PretrainedBody.ParameterCountsPerDenseLayer(pretrained, kept);
        long newCount = 0;
        int inputs = pretrained.Layers[kept - 1].OutputSize;
        foreach (var spec in newLayers)
        {
            newCount += spec.ParameterCount(inputs);
            inputs = spec.OutputSize(inputs);
        }

        int? smallestClass = target.IsClassification ? target.CountPerClass().Where(c => c > 0).Min() : null;
        return new TransferSituation(
            pretrained.InputSize, options.SourceExampleCount, target.FeatureCount, target.Count, target.ClassCount, keptCounts, newCount, smallestClass);
    }

    private static IReadOnlyList<LayerSpec> Validate(Network pretrained, Dataset target, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        if (pretrained.Layers.Count == 0)
        {
            throw new ArgumentException("Expected a pretrained network with layers but it has none.", nameof(pretrained));
        }

        if (target.FeatureCount != pretrained.InputSize)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Transfer needs the same input x: expected target examples with {pretrained.InputSize} features (the pretrained network's input size) but got {target.FeatureCount}."),
                nameof(target));
        }

        if (target.IsClassification && target.ClassCount < 2)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected a target with at least 2 classes but it has {target.ClassCount}."), nameof(target));
        }

        if (options.RemovedLayers >= pretrained.DenseLayers.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.RemovedLayers,
                string.Create(CultureInfo.InvariantCulture, $"Expected RemovedLayers less than the pretrained network's number of dense layers ({pretrained.DenseLayers.Count}) but got {options.RemovedLayers}: at least one pretrained dense layer must remain."));
        }

        var newLayers = ResolveNewLayers(target, options);
        if (newLayers.Count > 0)
        {
            if (newLayers[^1] is not DenseSpec last)
            {
                throw new ArgumentException(
                    Invariant.F($"Expected the last new layer to be a Dense layer (the target's output) but it is {newLayers[^1]}."), nameof(options));
            }

            bool fits = target.IsClassification ? last.Units >= target.ClassCount : last.Units == target.TargetCount;
            if (!fits)
            {
                int expected = target.IsClassification ? target.ClassCount : target.TargetCount;
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Expected the last new layer to have {expected} units (the target's {(target.IsClassification ? "classes" : "targets")}) but it has {last.Units}."),
                    nameof(options));
            }
        }

        return newLayers;
    }

    private static IReadOnlyList<LayerSpec> ResolveNewLayers(Dataset target, TransferOptions options) =>
        options.NewLayers ?? (target.IsClassification
            ? [Layer.Dense(target.ClassCount, Activation.Softmax)]
            : [Layer.Dense(target.TargetCount, Activation.Identity)]);
}
