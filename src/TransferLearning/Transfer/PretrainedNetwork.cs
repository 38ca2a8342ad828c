using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>A network trained on a source task, with what the transfer policy needs to know about that task.</summary>
/// <remarks>Save it with <c>pretrained.Save(path)</c> and load it in another application with <c>PretrainedNetwork.Load(path)</c> (see <see cref="PretrainedNetworkFiles"/>).</remarks>
public sealed record PretrainedNetwork
{
    /// <summary>Gets the trained network.</summary>
    public required Network Network { get; init; }

    /// <summary>Gets the number of source examples it was trained on.</summary>
    public required long SourceExampleCount { get; init; }

    /// <summary>Gets the pretraining history.</summary>
    public required TrainingHistory History { get; init; }

    /// <summary>Gets the number of classes of the source task, or <see langword="null"/> for a regression task or when unknown.</summary>
    /// <value>The default is <see langword="null"/>; <see cref="TransferPipeline.Pretrain"/> sets it from the source data.</value>
    public int? SourceClassCount { get; init; }

    /// <summary>Gets the names of the source task's classes, in label order (empty when unknown).</summary>
    /// <value>The default is empty; <see cref="TransferPipeline.Pretrain"/> sets the source data's <see cref="Data.Dataset.ClassNames"/>.</value>
    public IReadOnlyList<string> ClassNames { get; init; } = [];
}
