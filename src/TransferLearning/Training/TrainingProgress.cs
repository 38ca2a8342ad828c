namespace TransferLearning.Training;

/// <summary>
/// Reported after every mini-batch (with <see cref="CompletedEpoch"/> null) and after every epoch
/// (with it set). A struct, so reporting allocates nothing.
/// </summary>
/// <remarks>
/// The trainer reports on the training thread, in order. To act on each report there and then, pass a
/// <see cref="SynchronousProgress{T}"/> or a <see cref="ConsoleProgress"/>; a <see cref="Progress{T}"/> posts every
/// report to its synchronisation context (a user interface's thread) or, in a console application, to the thread
/// pool, where reports may run late, out of order and after <see cref="Trainer.Fit"/> has returned.
/// </remarks>
public readonly record struct TrainingProgress
{
    /// <summary>Gets the epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>Gets the mini-batch within the epoch, from 1 (equal to <see cref="BatchesPerEpoch"/> at the end of an epoch).</summary>
    public required int Batch { get; init; }

    /// <summary>Gets the number of mini-batches per epoch.</summary>
    public required int BatchesPerEpoch { get; init; }

    /// <summary>Gets the mean loss of the mini-batch just trained on (before its step).</summary>
    public required double BatchLoss { get; init; }

    /// <summary>Gets the epoch's report when an epoch has just finished; otherwise <see langword="null"/>.</summary>
    public EpochReport? CompletedEpoch { get; init; }
}
