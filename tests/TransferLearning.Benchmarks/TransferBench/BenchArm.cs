using System.Text.Json.Serialization;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>One column of a row: a fixed strategy, or a policy that decides (Default, Auto), over the seeds.</summary>
/// <param name="Name">The column's name ("FromScratch", "LastLayers(1)", "Default", "Auto").</param>
/// <param name="Decides">Whether the library chose the strategy (Default, Auto) rather than the column fixing it.</param>
/// <param name="Scores">The user's metric on all the target's test examples, one per seed.</param>
/// <param name="Chosen">The strategy trained, one per seed.</param>
/// <param name="TrainSeconds">Wall time of the training, one per seed (for a deciding column: its chosen strategy's training).</param>
/// <param name="DecideSeconds">Wall time of <c>TransferPipeline.Decide</c>, one per seed; empty for a fixed column.</param>
public sealed record BenchArm(
    string Name,
    bool Decides,
    IReadOnlyList<double> Scores,
    IReadOnlyList<string> Chosen,
    IReadOnlyList<double> TrainSeconds,
    IReadOnlyList<double> DecideSeconds)
{
    /// <summary>Gets the mean score over the seeds.</summary>
    public double Mean => Scores.Average();

    /// <summary>Gets the mean wall time of the decision (0 for a fixed column).</summary>
    public double MeanDecideSeconds => DecideSeconds.Count == 0 ? 0 : DecideSeconds.Average();

    /// <summary>Gets the mean wall time of the whole transfer: the decision, then the training of what it chose.</summary>
    [JsonIgnore]
    public double MeanTotalSeconds => MeanDecideSeconds + TrainSeconds.Average();
}
