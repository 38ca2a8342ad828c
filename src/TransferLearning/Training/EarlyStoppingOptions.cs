namespace TransferLearning.Training;

/// <summary>
/// Stop when the monitored loss (validation loss when there is a validation set, else training loss)
/// has not improved by more than <see cref="MinDelta"/> for <see cref="Patience"/> epochs.
/// </summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>Gets the number of epochs without improvement before stopping, at least 1. The default is 5.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Patience
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(Patience));
            field = value;
        }
    } = 5;

    /// <summary>Gets the smallest decrease of the loss that counts as an improvement, ≥ 0. The default is 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public float MinDelta
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(MinDelta));
            field = value;
        }
    }

    /// <summary>Gets a value indicating whether the network ends with the weights of its best epoch. The default is <see langword="true"/>.</summary>
    public bool RestoreBest { get; init; } = true;
}
