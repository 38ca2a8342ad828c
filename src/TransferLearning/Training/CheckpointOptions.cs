namespace TransferLearning.Training;

/// <summary>
/// Where and how often <see cref="Trainer.Fit"/> (or <see cref="Trainer.FitFromSource"/>) saves a training checkpoint, from which
/// <see cref="Trainer.Resume"/> (or <see cref="Trainer.ResumeFromSource"/>) goes on as if the run had never stopped.
/// </summary>
/// <remarks>
/// A checkpoint is written after every <see cref="EveryEpochs"/>-th epoch and after the last epoch of the run (also
/// when early stopping ends it). It holds everything later epochs depend on: the network's weights and running
/// statistics, the optimiser's state (Adam's moments and step counts, SGD's momentum), the epochs done and their
/// reports, the early-stopping monitor and its best weights, the divergence guard and its last good weights, each
/// dropout layer's generator, L2-SP anchors, and what identifies the options, the parameter groups and the data.
/// The shuffle order (a <see cref="Data.Dataset"/>'s permutation, or a source's <see cref="StreamingShuffle"/> order) and the
/// learning-rate schedule follow from the seed and the epoch number. A checkpoint records whether the run was on a
/// <see cref="Data.Dataset"/> or a <see cref="Data.DataSource"/>, and each resume method refuses the other's. The file is a
/// safetensors file, replaced atomically: a save that fails leaves the previous checkpoint as it was. Only epoch
/// boundaries are saved: a run cancelled mid-epoch resumes from the last checkpoint written.
/// <see cref="Transfer.TransferPipeline"/> passes its training options on, so each of its runs replaces the file too
/// (<see cref="Transfer.TransferPipeline.PretrainFromSource"/>'s checkpoint resumes with <see cref="Trainer.ResumeFromSource"/>).
/// </remarks>
public sealed record CheckpointOptions
{
    /// <summary>Gets the checkpoint file, replaced at every save.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to an empty or blank string.</exception>
    public required string Path
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Path));
            field = value;
        }
    }

    /// <summary>Gets how many epochs pass between checkpoints, at least 1. The default is 1 (after every epoch).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int EveryEpochs
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(EveryEpochs));
            field = value;
        }
    } = 1;
}
