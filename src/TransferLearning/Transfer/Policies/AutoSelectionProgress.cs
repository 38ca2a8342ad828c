namespace TransferLearning.Transfer;

/// <summary>Progress of <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>'s measurement: one report per candidate trained and scored.</summary>
/// <param name="Stage">The stage, such as <c>rung 0 (8 of 30 epochs)</c>.</param>
/// <param name="Strategy">The candidate just measured.</param>
/// <param name="Completed">How many measurements are done.</param>
/// <param name="Total">How many measurements there are in all (not counting extra held-out parts for small targets).</param>
public sealed record AutoSelectionProgress(string Stage, TransferStrategy Strategy, int Completed, int Total);
