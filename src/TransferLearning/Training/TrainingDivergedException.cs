namespace TransferLearning.Training;

/// <summary>
/// Training produced a non-finite loss or non-finite weights. The network has been reset to its last
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

    internal TrainingDivergedException(int epoch, int batch, double loss, int restoredEpoch, int restoredBatch)
        : base($"Training diverged in epoch {epoch}, {(batch > 0 ? $"mini-batch {batch}: the loss is {loss}" : "at its end: the weights are no longer finite")}. " +
               $"The network holds the weights checkpointed before mini-batch {restoredBatch} of epoch {restoredEpoch}, whose loss was finite. Lower the learning rate or check the data.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        RestoredEpoch = restoredEpoch;
        RestoredBatch = restoredBatch;
    }

    /// <summary>Gets the epoch (from 1) of the checkpoint the network was reset to.</summary>
    public int RestoredEpoch { get; }

    /// <summary>Gets the mini-batch (from 1) of that epoch whose starting weights the network was reset to.</summary>
    public int RestoredBatch { get; }

    /// <summary>Gets the epoch (from 1) in which the divergence was found.</summary>
    public int Epoch { get; }

    /// <summary>Gets the mini-batch (from 1) in which it was found, or 0 when found at the end of the epoch.</summary>
    public int Batch { get; }

    /// <summary>Gets the non-finite loss (NaN when the weights, not the loss, became non-finite).</summary>
    public double Loss { get; }
}
