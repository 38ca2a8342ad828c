using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// How much of the network trains on the target task: <see cref="HeadOnly"/>,
/// <see cref="LastLayers(int)"/>, <see cref="FullFineTune"/>, <see cref="TwoPhase"/> or <see cref="FromScratch"/>.
/// Each strategy says which layers train and runs its own schedule.
/// </summary>
public abstract record TransferStrategy
{
    private protected TransferStrategy()
    {
    }

    /// <summary>Gets the strategy that trains only the new layers.</summary>
    public static TransferStrategy HeadOnly { get; } = new HeadOnlyStrategy();

    /// <summary>Gets the strategy that trains every layer from the pretrained weights.</summary>
    public static TransferStrategy FullFineTune { get; } = new FullFineTuneStrategy();

    /// <summary>Gets the strategy that trains the head first, then every layer at a lower rate.</summary>
    public static TransferStrategy TwoPhase { get; } = new TwoPhaseStrategy();

    /// <summary>Gets the baseline: the same final architecture, every weight random.</summary>
    public static TransferStrategy FromScratch { get; } = new FromScratchStrategy();

    /// <summary>Gets the strategy's name, such as <c>LastLayers(2)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether some pretrained layer stays frozen throughout, its features used as they are.</summary>
    internal abstract bool FreezesPretrainedLayers { get; }

    /// <summary>Gets a value indicating whether the pretrained weights are used at all (FromScratch: no).</summary>
    internal virtual bool UsesPretrainedWeights => true;

    /// <summary>Gets a value indicating whether every pretrained layer trains at some point (FullFineTune, TwoPhase): not possible on a <see cref="Networks.FeatureExtractor"/>.</summary>
    internal bool TrainsEveryPretrainedLayer => !FreezesPretrainedLayers && UsesPretrainedWeights;

    /// <summary>The new layers and the top <paramref name="k"/> pretrained layers train; the rest stay frozen.</summary>
    /// <param name="k">How many pretrained layers to train, at least 1.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static TransferStrategy LastLayers(int k)
    {
        Guard.AtLeast(k, 1, nameof(k));
        return new LastLayersStrategy(k);
    }

    /// <summary>Returns the strategy's name, such as <c>LastLayers(2)</c>.</summary>
    /// <returns>The name.</returns>
    public sealed override string ToString() => Name;

    /// <summary>How many of the <paramref name="keptDense"/> pretrained dense layers (from the top) train besides the new layers.</summary>
    internal abstract int TrainedPretrainedLayers(int keptDense);

    /// <summary>The index of the lowest layer that trains (the layers below stay frozen) in a network whose bottom <see cref="TransferSetup.Kept"/> layers are pretrained.</summary>
    internal int FirstTrainedLayer(Network network, TransferSetup setup) =>
        PretrainedBody.FirstTrainedLayer(network, setup.Kept, TrainedPretrainedLayers(setup.KeptDense));

    /// <summary>Checks that the strategy fits a network that keeps <paramref name="kept"/> pretrained dense layers.</summary>
    /// <exception cref="ArgumentException">The strategy cannot train this network.</exception>
    internal virtual void EnsureFits(int kept, string removedDescription, string paramName)
    {
    }

    /// <summary>The network this strategy trains: the kept pretrained layers (or fresh ones), the new layers, the right layers frozen.</summary>
    internal virtual Network Build(TransferSetup setup)
    {
        var network = setup.PretrainedCopy();
        for (int l = 0; l < FirstTrainedLayer(network, setup); l++)
        {
            network.Layers[l].Freeze();
        }

        return network;
    }

    /// <summary>Trains the run's network for <paramref name="epochs"/> epochs by this strategy's schedule.</summary>
    internal virtual TrainingHistory Train(TransferRun run, Dataset train, Dataset? validation, int epochs, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        run.Fit(run.Options.Training with { Epochs = epochs }, run.Options.PretrainedLearningRateScale, 1f, train, validation, progress, cancellationToken);

    /// <summary>Trains an already trained run's network <paramref name="epochs"/> epochs more, as its last phase did.</summary>
    internal virtual TrainingHistory Continue(TransferRun run, Dataset train, int epochs, CancellationToken cancellationToken) =>
        Train(run, train, null, epochs, null, cancellationToken);
}
