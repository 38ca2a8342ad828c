using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>The outcome of a transfer: the new network, the decision and why, and the training history.</summary>
/// <remarks>Save it with <c>result.Save(path)</c> and load it with <c>TransferResult.Load(path)</c> (see <see cref="TransferResultFiles"/>).</remarks>
public sealed record TransferResult
{
    /// <summary>Gets the network trained on the target (a new object; the pretrained network is unchanged).</summary>
    public required Network Network { get; init; }

    /// <summary>Gets the strategy and the reasons.</summary>
    public required TransferDecision Decision { get; init; }

    /// <summary>Gets the target training's history (for TwoPhase, both phases, numbered on).</summary>
    public required TrainingHistory History { get; init; }

    /// <summary>Gets the target task's class names, in label order: the target data's <see cref="Data.Dataset.ClassNames"/> (empty when it has none, or for regression).</summary>
    /// <value>The default is empty; <see cref="TransferPipeline.Transfer"/> sets it, and <c>result.Save(path)</c> keeps it.</value>
    public IReadOnlyList<string> ClassNames { get; init; } = [];

    /// <summary>Gets the strategy that was used.</summary>
    public TransferStrategy Strategy => Decision.Strategy;

    /// <summary>
    /// Returns the decision (the strategy, then its reasons, one per line), the training in one line and the network,
    /// layer by layer (invariant culture).
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Join(Environment.NewLine, Decision.ToString(), "training: " + History, Network.ToString());
}
