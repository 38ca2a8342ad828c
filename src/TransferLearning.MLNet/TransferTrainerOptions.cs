using TransferLearning.Transfer;

namespace TransferLearning.MLNet;

/// <summary>The settings of <see cref="TransferTrainer"/>: the columns, and the transfer's own options.</summary>
public sealed record TransferTrainerOptions : TrainerColumnOptions
{
    /// <summary>
    /// Gets the transfer's settings (new layers, policy, training), as <see cref="TransferPipeline.Transfer"/> takes them.
    /// The default is <see cref="TransferOptions"/>' defaults: a new output layer sized to the label's key count
    /// (softmax) or one identity unit (a <see cref="float"/> label), and <see cref="DataSizePolicy.Default"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public TransferOptions Transfer
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Transfer));
    } = new();
}
