namespace TransferLearning.Transfer;

/// <summary>The strategy chosen for a transfer, and why — in words, with the numbers used.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Reasons">The reasons, one sentence each, in the order they were weighed.</param>
/// <param name="Candidates">For a measured (<see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>) decision, every candidate's score; otherwise empty.</param>
public sealed record TransferDecision(TransferStrategy Strategy, IReadOnlyList<string> Reasons, IReadOnlyList<CandidateScore> Candidates)
{
    /// <summary>Returns the strategy followed by the reasons, one per line.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Strategy}{Environment.NewLine}{string.Join(Environment.NewLine, Reasons.Select(r => "  - " + r))}";
}
