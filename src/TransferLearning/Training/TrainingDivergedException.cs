namespace TransferLearning.Training;

/// <summary>
/// Training diverged: a mini-batch loss was NaN or ∞ or exploded past <see cref="TrainingOptions.DivergenceLossFactor"/>
/// times its reference, or the weights became non-finite. The network has been reset to its last
/// checkpoint: weights whose mini-batch loss was finite, from at most
/// <see cref="TrainingOptions.DivergenceCheckpointInterval"/> mini-batches back
/// (<see cref="RestoredEpoch"/>, <see cref="RestoredBatch"/>).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TrainingDivergedException(int epoch, int batch, double loss, int restoredEpoch, int restoredBatch, double? lossLimit = null, double factor = 0)
        : base(Describe(epoch, batch, loss, restoredEpoch, restoredBatch, lossLimit, factor))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        LossLimit = lossLimit;
        RestoredEpoch = restoredEpoch;
        RestoredBatch = restoredBatch;
    }

    /// <summary>
    /// Gets the limit a finite loss exceeded (<see cref="TrainingOptions.DivergenceLossFactor"/> × the larger of the
    /// run's first mini-batch loss and its best epoch loss), or <see langword="null"/> when the loss or the weights were NaN or ∞.
    /// </summary>
    public double? LossLimit { get; }

    /// <summary>Gets the epoch (from 1) of the checkpoint the network was reset to.</summary>
    public int RestoredEpoch { get; }

    /// <summary>Gets the mini-batch (from 1) of that epoch whose starting weights the network was reset to.</summary>
    public int RestoredBatch { get; }

    /// <summary>Gets the epoch (from 1) in which the divergence was found.</summary>
    public int Epoch { get; }

    /// <summary>Gets the mini-batch (from 1) in which it was found, or 0 when found at the end of the epoch.</summary>
    public int Batch { get; }

    /// <summary>Gets the diverging loss: NaN or ∞, a finite loss above <see cref="LossLimit"/>, or NaN when the weights, not the loss, became non-finite.</summary>
    public double Loss { get; }

    private static string Describe(int epoch, int batch, double loss, int restoredEpoch, int restoredBatch, double? lossLimit, double factor)
    {
        string what = batch == 0 ? "at its end: the weights or the outputs are no longer finite"
            : lossLimit is { } limit ? Invariant.F($"mini-batch {batch}: the loss {loss:G4} exceeds {limit:G4} ({factor:N0} × the larger of the run's first mini-batch loss and its best epoch loss)")
            : Invariant.F($"mini-batch {batch}: the loss is {loss}");
        return Invariant.F($"Training diverged in epoch {epoch}, {what}. ") +
               Invariant.F($"The network holds the weights checkpointed before mini-batch {restoredBatch} of epoch {restoredEpoch}, whose loss had not diverged. Lower the learning rate or check the data.");
    }
}
