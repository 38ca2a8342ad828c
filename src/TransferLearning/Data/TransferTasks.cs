namespace TransferLearning.Data;

/// <summary>A source task and a target task on the same inputs, with a test set for the target.</summary>
/// <param name="Source">The source task's training data (plenty).</param>
/// <param name="Target">The target task's training data (little).</param>
/// <param name="TargetTest">Held-out target data to score on.</param>
public sealed record TransferTasks(Dataset Source, Dataset Target, Dataset TargetTest);
