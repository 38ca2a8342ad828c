using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// One strategy's network in training: built by the strategy, trained by its schedule, and (for Auto's
/// successive halving) trained on for more epochs. What a policy is handed to try a strategy.
/// </summary>
internal sealed class TransferRun
{
    public TransferRun(TransferSetup setup, TransferStrategy strategy)
    {
        Strategy = strategy;
        Options = setup.Options;
        Kept = strategy.UsesPretrainedWeights ? setup.Kept : 0;
        Network = strategy.Build(setup);

        // L2-SP pulls towards the pretrained values: taken once here, so that training on (Auto's later rungs) keeps them.
        _anchors = Options.AnchorDecay > 0
            ? Network.Layers.Take(Kept).SelectMany(l => l.Parameters).ToDictionary(p => p, p => p.Values.ToArray())
            : [];
    }

    private readonly Dictionary<Parameter, float[]> _anchors;

    public TransferStrategy Strategy { get; }

    public TransferOptions Options { get; }

    public Network Network { get; }

    /// <summary>Gets how many bottom layers hold pretrained weights (0 for FromScratch: nothing to anchor to or slow down).</summary>
    public int Kept { get; }

    /// <summary>Gets the history so far (empty before training).</summary>
    public TrainingHistory? History { get; private set; }

    /// <summary>Trains by the strategy's schedule for <paramref name="epochs"/> epochs.</summary>
    public TransferRun Train(Dataset train, Dataset? validation, int epochs, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        History = Strategy.Train(this, train, validation, epochs, progress, cancellationToken);
        return this;
    }

    /// <summary>
    /// Trains <paramref name="epochs"/> epochs more from the current weights, with the settings of the strategy's
    /// last phase. The optimiser's state (Adam's moments), the learning-rate schedule and the mini-batch order
    /// start afresh; L2-SP still pulls towards the pretrained values.
    /// </summary>
    public TransferRun TrainMore(Dataset train, int epochs, CancellationToken cancellationToken)
    {
        var more = Strategy.Continue(this, train, epochs, cancellationToken);
        History = History is null ? more : Concatenate(History, more);
        return this;
    }

    /// <summary>
    /// Fits every parameter that is not frozen: the new layers in one group (rate × <paramref name="newScale"/>,
    /// <see cref="TransferOptions.NewLayerWeightDecay"/>), the pretrained ones in another (rate ×
    /// <paramref name="pretrainedScale"/>, L2-SP towards their pretrained values with <see cref="TransferOptions.AnchorDecay"/>).
    /// </summary>
    /// <remarks>The mini-batch order is seeded by <see cref="TransferOptions.Seed"/> together with <see cref="TrainingOptions.Seed"/>, so that the transfer's one seed varies the whole run.</remarks>
    public TrainingHistory Fit(TrainingOptions training, float pretrainedScale, float newScale, Dataset train, Dataset? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        new Trainer(training with { Seed = unchecked((Options.Seed * 1_000_003) + training.Seed) })
            .FitWithGroups(Network, train, validation, Groups(pretrainedScale, newScale), progress, cancellationToken);

    public static TrainingHistory Concatenate(TrainingHistory first, TrainingHistory second)
    {
        int offset = first.Epochs.Count;
        var epochs = first.Epochs.Concat(second.Epochs.Select(e => e with { Epoch = e.Epoch + offset })).ToArray();
        return new TrainingHistory { Epochs = epochs, BestEpoch = second.BestEpoch + offset, StoppedEarly = second.StoppedEarly, RestoredBest = second.RestoredBest, Elapsed = first.Elapsed + second.Elapsed };
    }

    private List<ParameterGroup> Groups(float pretrainedScale, float newScale)
    {
        var groups = new List<ParameterGroup>();
        var pretrained = Network.Layers.Take(Kept).SelectMany(l => l.Parameters).Where(p => !p.IsFrozen).ToArray();
        var added = Network.Layers.Skip(Kept).SelectMany(l => l.Parameters).Where(p => !p.IsFrozen).ToArray();
        if (added.Length > 0)
        {
            groups.Add(new ParameterGroup(added, newScale, Options.NewLayerWeightDecay));
        }

        if (pretrained.Length > 0)
        {
            // With L2-SP the pull is towards the pretrained values, not towards zero.
            float? decay = Options.AnchorDecay > 0 ? 0f : null;
            var anchors = Options.AnchorDecay > 0 ? pretrained.Select(p => _anchors[p]).ToArray() : null;
            groups.Add(new ParameterGroup(pretrained, pretrainedScale, decay, Options.AnchorDecay, anchors));
        }

        return groups;
    }
}
