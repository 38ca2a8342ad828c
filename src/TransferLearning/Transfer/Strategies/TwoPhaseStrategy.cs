using TransferLearning.Data;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// "LP-FT": the new layers first, on the frozen body, to convergence (early stopping — the caller's, or
/// patience 3 on the monitored loss — within the epochs); then every layer at
/// <see cref="TransferOptions.TwoPhaseFineTuneScale"/> × the rate.
/// </summary>
internal sealed record TwoPhaseStrategy : TransferStrategy
{
    private static readonly EarlyStoppingOptions HeadStopping = new() { Patience = 3, MinDelta = 1e-4f };

    public override string Name => "TwoPhase";

    internal override bool FreezesPretrainedLayers => false;

    /// <summary>Both phases together train every layer (the rule counts the second phase).</summary>
    internal override int TrainedPretrainedLayers(int kept) => kept;

    internal override Networks.Network Build(TransferSetup setup)
    {
        var network = setup.PretrainedCopy();
        for (int l = 0; l < setup.Kept; l++)
        {
            network.Layers[l].Freeze();
        }

        return network;
    }

    internal override TrainingHistory Train(TransferRun run, Dataset train, Dataset? validation, int epochs, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var training = run.Options.Training with { Epochs = epochs };
        var head = run.Fit(training with { EarlyStopping = training.EarlyStopping ?? HeadStopping }, 1f, 1f, train, validation, progress, cancellationToken);
        var all = FineTune(run, training, train, validation, progress, cancellationToken);
        return TransferRun.Concatenate(head, all);
    }

    internal override TrainingHistory Continue(TransferRun run, Dataset train, int epochs, CancellationToken cancellationToken) =>
        FineTune(run, run.Options.Training with { Epochs = epochs }, train, null, null, cancellationToken);

    private static TrainingHistory FineTune(TransferRun run, TrainingOptions training, Dataset train, Dataset? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var layer in run.Network.Layers)
        {
            layer.Unfreeze();
        }

        float scale = run.Options.TwoPhaseFineTuneScale;
        return run.Fit(training, scale, scale, train, validation, progress, cancellationToken);
    }
}
