using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>Everything a policy may use to choose: the numbers, and (for Auto) the means to train candidates.</summary>
internal sealed record TransferContext(
    Network Pretrained,
    Dataset Target,
    TransferOptions Options,
    TransferSituation Situation,
    CancellationToken CancellationToken)
{
    /// <summary>Gets how many pretrained layers stay under the new layers.</summary>
    public int KeptLayers => Pretrained.Layers.Count - Options.RemovedLayers;
}
