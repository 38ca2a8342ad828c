namespace TransferLearning.Training;

/// <summary>What a training run did: one report per epoch, the best epoch and why it stopped.</summary>
/// <param name="Epochs">One report per epoch that ran, in order.</param>
/// <param name="BestEpoch">The epoch (from 1) with the lowest monitored loss (validation loss if any, else training loss).</param>
/// <param name="StoppedEarly">Whether early stopping ended the run before the last epoch.</param>
/// <param name="RestoredBest">Whether the network was reset to the weights of <paramref name="BestEpoch"/>.</param>
/// <param name="Elapsed">The run's wall-clock time.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochReport> Epochs, int BestEpoch, bool StoppedEarly, bool RestoredBest, TimeSpan Elapsed)
{
    /// <summary>Gets the last epoch's report.</summary>
    public EpochReport Last => Epochs[^1];
}
