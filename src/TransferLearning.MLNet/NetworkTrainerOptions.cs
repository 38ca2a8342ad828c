using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.MLNet;

/// <summary>The settings of <see cref="NetworkTrainer"/>: the columns, the network to train, and how it trains.</summary>
public sealed record NetworkTrainerOptions : TrainerColumnOptions
{
    /// <summary>
    /// Gets the network to train (untrained: <c>Network.Create(inputSize, seed).Dense(…)…</c>); its input size must be
    /// the size of the feature column, and its output layer must fit the label (a softmax with one unit per key value,
    /// or one identity unit for a <see cref="float"/> label). The estimator trains a copy.
    /// </summary>
    public required Network Architecture { get; init; }

    /// <summary>Gets how the network trains. The default is <see cref="TrainingOptions"/>' defaults.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public TrainingOptions Training
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Training));
    } = new();
}
