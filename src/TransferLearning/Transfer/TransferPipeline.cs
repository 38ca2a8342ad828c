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
/// var result = pipeline.Transfer(pretrained, target, new TransferOptions { NewLayers = [LayerSpec.Dense(5, Activation.Softmax)] });
/// Console.WriteLine(result.Decision);   // the strategy and the reasons, with the numbers used
/// </code>
/// </example>
public sealed class TransferPipeline
{
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
        return Pretrained(network, history, source.Count, source.IsClassification ? source.ClassCount : null, source.ClassNames);
    }

    /// <summary>Trains a copy of <paramref name="architecture"/> on the source task from a <see cref="DataSource"/> (a file larger than memory, for instance), as <see cref="Trainer.FitFromSource"/> trains.</summary>
    /// <param name="architecture">The network to pretrain; it is not modified (a copy trains).</param>
    /// <param name="source">The source task's training examples.</param>
    /// <param name="options">The training settings (with <see cref="TrainingOptions.StreamingShuffle"/>); <see langword="null"/> for the defaults.</param>
    /// <param name="validation">An optional source validation set (e.g. the second part of <see cref="DataSource.Split(double, int)"/>).</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The trained network with the source example count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    /// <exception cref="IOException">A checkpoint (<see cref="TrainingOptions.Checkpoint"/>) could not be written; resume a checkpointed pretraining with <see cref="Trainer.ResumeFromSource"/> on a copy of <paramref name="architecture"/>.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public PretrainedNetwork PretrainFromSource(
        Network architecture,
        DataSource source,
        TrainingOptions? options = null,
        DataSource? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(source);
        var network = architecture.Clone();
        var history = new Trainer(options).FitFromSource(network, source, validation, progress, cancellationToken);
        return Pretrained(network, history, source.Count, source.IsClassification ? source.ClassCount : null, source.ClassNames);
    }

    /// <summary>
    /// Transfers <paramref name="pretrained"/> to the target task: copy, strip the top layers, add the new
    /// layers, decide the strategy (the source example count informs the policy), train.
    /// </summary>
    /// <param name="pretrained">The pretrained network (from <see cref="Pretrain"/>, or wrapped with its source example count); not modified.</param>
    /// <param name="target">The target task's training data; same number of features as the network's inputs.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="validation">An optional target validation set.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The new network, the decision and the history.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target does not share the source's input x, has fewer than 2 classes, the options do not fit the network or the target, or the network no longer ends in its source task's output layer (its <see cref="PretrainedNetwork.SourceClassCount"/> units: the top was already removed, as by <see cref="Network.RemoveTopLayers(int)"/>, and the pipeline would remove a hidden layer too).</exception>
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
        var setup = Setup(pretrained, target, options);
        var decision = Decide(setup, target, cancellationToken);
        var run = new TransferRun(setup, decision.Strategy).Train(target, validation, setup.Options.EpochsFor(target.Count), progress, cancellationToken);
        return new TransferResult { Network = run.Network, Decision = decision, History = run.History!, ClassNames = target.ClassNames ?? [] };
    }

    /// <summary>
    /// Transfers <paramref name="pretrained"/> to a target task given as a <see cref="DataSource"/>: the target (the small task,
    /// by the idea of transfer) is read into memory once (<see cref="DataSource.ToDataset"/>, 4 bytes a value), then
    /// <see cref="Transfer"/> decides and trains on it — so the policy's probes, Auto's held-out measurements and the frozen-feature
    /// cache all apply. To advise on (or train with) a sample of a large target, draw it with <see cref="DataSource.TakePerClass"/>.
    /// </summary>
    /// <param name="pretrained">The pretrained network; not modified.</param>
    /// <param name="target">The target task's training examples.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="validation">An optional target validation source, read into memory too.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Stops the training.</param>
    /// <returns>The new network, the decision and the history.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As <see cref="Transfer"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="Transfer"/>.</exception>
    /// <exception cref="InsufficientMemoryException">The target has more than <see cref="Array.MaxLength"/> feature values.</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value.</exception>
    /// <exception cref="TrainingDivergedException">Training diverged.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TransferResult TransferFromSource(
        PretrainedNetwork pretrained,
        DataSource target,
        TransferOptions? options = null,
        DataSource? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        return Transfer(pretrained, target.ToDataset(), options, validation?.ToDataset(), progress, cancellationToken);
    }

    /// <summary>
    /// Asks before training: what the policy of <paramref name="options"/> would decide — the strategy
    /// and the reasons — without training. <see cref="DataSizePolicy"/> counts and runs its linear probes;
    /// <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/> measures its candidates on held-out parts
    /// of the target (that is its decision), but the chosen network is not trained.
    /// </summary>
    /// <param name="pretrained">The pretrained network and its source example count; not modified.</param>
    /// <param name="target">The target task's training data.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops the policy's measurements.</param>
    /// <returns>The decision <see cref="Transfer"/> with the same arguments would act on.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The target does not share the source's input x, the options do not fit the network or the target, or the network no longer ends in its source task's output layer (see <see cref="Transfer"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed than the network has.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public TransferDecision Decide(PretrainedNetwork pretrained, Dataset target, TransferOptions? options = null, CancellationToken cancellationToken = default) =>
        Decide(Setup(pretrained, target, options), target, cancellationToken);

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
    /// <exception cref="ArgumentException">The target does not share the source's input x, the strategy would train nothing, or the network no longer ends in its source task's output layer (see <see cref="Transfer"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">More layers removed or trained than the network has.</exception>
    public Network Build(PretrainedNetwork pretrained, Dataset target, TransferStrategy strategy, TransferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var setup = Setup(pretrained, target, options);
        return new TransferRun(setup, setup.Fitting(strategy, nameof(strategy))).Network;
    }

    /// <summary>The pretrained network with what it learned from: the source's example count, classes and names.</summary>
    private static PretrainedNetwork Pretrained(Network network, TrainingHistory history, int count, int? classCount, IReadOnlyList<string>? classNames) => new()
    {
        Network = network,
        SourceExampleCount = count,
        History = history,
        SourceClassCount = classCount,
        ClassNames = classNames ?? [],
    };

    private static TransferSetup Setup(PretrainedNetwork pretrained, Dataset target, TransferOptions? options)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        TransferSetup.EnsureSourceHead(pretrained);
        TransferSetup.EnsureHeadRemoved(pretrained, options ?? new TransferOptions());
        ArgumentNullException.ThrowIfNull(target);
        options?.Metric?.EnsureApplicable(target, nameof(options));
        return TransferSetup.For(pretrained.Network, target, options ?? new TransferOptions()) with { SourceExampleCount = pretrained.SourceExampleCount };
    }

    private static TransferDecision Decide(TransferSetup setup, Dataset target, CancellationToken cancellationToken)
    {
        var context = new TransferContext(setup, target, setup.Situation(target), strategy => new TransferRun(setup, strategy), cancellationToken);
        var decision = setup.Options.Policy.Choose(context);
        setup.Fitting(decision.Strategy, "options");
        return decision with { Reasons = [setup.RemovedReason(), .. setup.ExtractorReason() is { } extractor ? [extractor] : Array.Empty<DecisionReason>(), .. decision.Reasons] };
    }
}
