using TransferLearning.Data;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>The strategy chosen for a transfer, and why: each reason a code with its numbers, and in words.</summary>
public sealed record TransferDecision
{
    /// <summary>Gets the strategy.</summary>
    public required TransferStrategy Strategy { get; init; }

    /// <summary>Gets the reasons, in the order they were weighed. The default is empty.</summary>
    public IReadOnlyList<DecisionReason> Reasons { get; init; } = [];

    /// <summary>Gets, for a measured (<see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>) decision, every candidate's score; otherwise empty (the default).</summary>
    public IReadOnlyList<CandidateScore> Candidates { get; init; } = [];

    /// <summary>
    /// Gets what the candidates were scored on when the decision measured them (<see cref="TransferOptions.Metric"/>,
    /// or the default for the target: <see cref="TransferMetric.DefaultFor(Dataset)"/>); <see langword="null"/>, the
    /// default, when nothing was measured (a fixed strategy, the counts alone).
    /// </summary>
    public TransferMetric? Metric { get; init; }

    /// <summary>Returns the strategy followed by the reasons, one per line.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Strategy}{Environment.NewLine}{string.Join(Environment.NewLine, Reasons.Select(r => "  - " + r.Text))}";
}
