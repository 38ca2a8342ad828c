using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Everything a policy may use to choose: the numbers, the data, and a trial function that builds a
/// strategy's network (untrained) for the policy to train and score as it likes.
/// </summary>
/// <param name="Setup">The pretrained network, the new layers and the options.</param>
/// <param name="Target">The target's training data.</param>
/// <param name="Situation">The counts the data-size rule decides from.</param>
/// <param name="Try">Builds the network a strategy would train, ready to train on any part of the target.</param>
/// <param name="CancellationToken">Stops the policy's measurements.</param>
internal sealed record TransferContext(
    TransferSetup Setup,
    Dataset Target,
    TransferSituation Situation,
    Func<TransferStrategy, TransferRun> Try,
    CancellationToken CancellationToken)
{
    /// <summary>Gets the pretrained network.</summary>
    public Network Pretrained => Setup.Pretrained;

    /// <summary>Gets the transfer's settings.</summary>
    public TransferOptions Options => Setup.Options;

    /// <summary>Gets what the transfer is judged on: <see cref="TransferOptions.Metric"/>, or <see cref="TransferMetric.DefaultFor(Dataset)"/> the target.</summary>
    public TransferMetric Metric => Options.Metric ?? TransferMetric.DefaultFor(Target);

    /// <summary>Gets how many pretrained layers (of every kind) stay under the new layers.</summary>
    public int KeptLayers => Setup.Kept;

    /// <summary>Gets how many pretrained dense layers stay under the new layers.</summary>
    public int KeptDenseLayers => Setup.KeptDense;
}
