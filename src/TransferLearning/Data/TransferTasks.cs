namespace TransferLearning.Data;

/// <summary>A source task and a target task on the same inputs, with a test set for the target.</summary>
public sealed class TransferTasks
{
    /// <summary>Gets the source task's training data (plenty).</summary>
    public required Dataset Source { get; init; }

    /// <summary>Gets the target task's training data (little).</summary>
    public required Dataset Target { get; init; }

    /// <summary>Gets held-out target data to score on.</summary>
    public required Dataset TargetTest { get; init; }

    /// <summary>Returns the three sets, one after another.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"source {Source}, target {Target}, target test {TargetTest}";
}
