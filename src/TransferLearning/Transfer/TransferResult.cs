using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>The outcome of a transfer: the new network, the decision and why, and the training history.</summary>
/// <param name="Network">The network trained on the target (a new object; the pretrained network is unchanged).</param>
/// <param name="Decision">The strategy and the reasons.</param>
/// <param name="History">The target training's history (for TwoPhase, both phases, numbered on).</param>
/// <remarks>Save it with <c>result.Save(path)</c> and load it with <c>TransferResult.Load(path)</c> (see <see cref="TransferResultFiles"/>).</remarks>
public sealed record TransferResult(Network Network, TransferDecision Decision, TrainingHistory History)
{
    /// <summary>Gets the strategy that was used.</summary>
    public TransferStrategy Strategy => Decision.Strategy;
}
