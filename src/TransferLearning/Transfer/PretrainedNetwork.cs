using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>A network trained on a source task, with what the transfer policy needs to know about that task.</summary>
/// <param name="Network">The trained network.</param>
/// <param name="SourceExampleCount">The number of source examples it was trained on.</param>
/// <param name="History">The pretraining history.</param>
public sealed record PretrainedNetwork(Network Network, long SourceExampleCount, TrainingHistory History);
