namespace TransferLearning.Transfer;

/// <summary>Progress of <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>'s measurement: one report per candidate trained and scored.</summary>
public sealed class AutoSelectionProgress
{
    /// <summary>Gets the stage, such as <c>rung 0 (8 of 30 epochs)</c>.</summary>
    public required string Stage { get; init; }

    /// <summary>Gets the candidate just measured.</summary>
    public required TransferStrategy Strategy { get; init; }

    /// <summary>Gets how many measurements are done.</summary>
    public int Completed { get; init; }

    /// <summary>Gets how many measurements there are in all (not counting extra held-out parts for small targets).</summary>
    public int Total { get; init; }

    /// <summary>Returns <c>stage: strategy (completed/total)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Invariant.F($"{Stage}: {Strategy} ({Completed}/{Total})");
}
