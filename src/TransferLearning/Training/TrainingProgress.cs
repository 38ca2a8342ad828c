namespace TransferLearning.Training;

/// <summary>
/// Reported after every mini-batch (with <see cref="CompletedEpoch"/> null) and after every epoch
/// (with it set). A struct, so reporting allocates nothing.
/// </summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">The mini-batch within the epoch, from 1 (equal to <paramref name="BatchesPerEpoch"/> at the end of an epoch).</param>
/// <param name="BatchesPerEpoch">The number of mini-batches per epoch.</param>
/// <param name="BatchLoss">The mean loss of the mini-batch just trained on (before its step).</param>
/// <param name="CompletedEpoch">The epoch's report when an epoch has just finished; otherwise <see langword="null"/>.</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, double BatchLoss, EpochReport? CompletedEpoch);
