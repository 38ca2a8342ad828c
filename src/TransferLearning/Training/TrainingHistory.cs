namespace TransferLearning.Training;

/// <summary>What a training run did: one report per epoch, the best epoch and why it stopped.</summary>
public sealed record TrainingHistory
{
    /// <summary>Gets one report per epoch that ran, in order.</summary>
    public required IReadOnlyList<EpochReport> Epochs { get; init; }

    /// <summary>Gets the epoch (from 1) with the lowest monitored loss (validation loss if any, else training loss).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Gets whether early stopping ended the run before the last epoch.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Gets whether the network was reset to the weights of <see cref="BestEpoch"/>.</summary>
    public required bool RestoredBest { get; init; }

    /// <summary>Gets the run's wall-clock time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets the last epoch's report.</summary>
    public EpochReport Last => Epochs[^1];
}
