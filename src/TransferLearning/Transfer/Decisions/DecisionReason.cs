namespace TransferLearning.Transfer;

/// <summary>
/// One reason behind a <see cref="TransferDecision"/> or an <see cref="AdviceCondition"/>: what it says
/// (<see cref="Code"/>), the number behind it and the threshold it was held to, and the sentence rendered
/// from them.
/// </summary>
/// <remarks>What <see cref="Value"/> and <see cref="Threshold"/> hold depends on the code (see <see cref="DecisionReasonCode"/>).</remarks>
public sealed record DecisionReason
{
    /// <summary>Gets what the reason says. The default is <see cref="DecisionReasonCode.Unspecified"/>.</summary>
    public DecisionReasonCode Code { get; init; }

    /// <summary>Gets the number the reason rests on, or <see langword="null"/> when none (see <see cref="DecisionReasonCode"/>).</summary>
    public double? Value { get; init; }

    /// <summary>Gets the threshold <see cref="Value"/> was held to, or <see langword="null"/> when none.</summary>
    public double? Threshold { get; init; }

    /// <summary>Gets the strategy the reason is about, or <see langword="null"/> when none.</summary>
    public TransferStrategy? Strategy { get; init; }

    /// <summary>Gets the reason in words, with the numbers used. The default is empty.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>Returns <see cref="Text"/>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Text;
}
