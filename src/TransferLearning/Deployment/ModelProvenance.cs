using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Deployment;

/// <summary>
/// Where a <see cref="Model"/> came from: the source task it was pretrained on, and the transfer's decision with its
/// reasons and the target training's history. Saved with the model, so that the app that loads it can say why it is
/// what it is.
/// </summary>
public sealed record ModelProvenance
{
    /// <summary>Gets a free description of the source task (e.g. <c>"Fashion-MNIST classes 0–4, 30,000 images"</c>); empty by default.</summary>
    public string SourceDescription { get; init; } = string.Empty;

    /// <summary>Gets the number of examples the source network was trained on, or <see langword="null"/> when unknown.</summary>
    public long? SourceExampleCount { get; init; }

    /// <summary>Gets the number of classes of the source task, or <see langword="null"/> for a regression task or when unknown.</summary>
    public int? SourceClassCount { get; init; }

    /// <summary>Gets the source task's class names, in label order (empty when unknown).</summary>
    public IReadOnlyList<string> SourceClassNames { get; init; } = [];

    /// <summary>Gets the transfer's decision (strategy and reasons), or <see langword="null"/> for a model not made by a transfer.</summary>
    public TransferDecision? Decision { get; init; }

    /// <summary>Gets the training history of the model's network on its own task (the transfer's, for a transfer), or <see langword="null"/> when not recorded.</summary>
    public TrainingHistory? History { get; init; }

    /// <summary>Records a transfer: the source task from <paramref name="source"/>, the decision and history from <paramref name="result"/>.</summary>
    /// <param name="source">The pretrained network the transfer started from.</param>
    /// <param name="result">The transfer's result.</param>
    /// <param name="sourceDescription">A free description of the source task; empty for none.</param>
    /// <returns>The provenance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="result"/> or <paramref name="sourceDescription"/> is <see langword="null"/>.</exception>
    public static ModelProvenance FromTransfer(PretrainedNetwork source, TransferResult result, string sourceDescription = "")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sourceDescription);
        return new ModelProvenance
        {
            SourceDescription = sourceDescription,
            SourceExampleCount = source.SourceExampleCount,
            SourceClassCount = source.SourceClassCount,
            SourceClassNames = source.ClassNames,
            Decision = result.Decision,
            History = result.History,
        };
    }
}
