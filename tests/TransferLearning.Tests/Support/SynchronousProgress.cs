using TransferLearning.Training;

namespace TransferLearning.Tests.Support;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its callback on the reporting thread, at once. (System.Progress
/// posts to a synchronization context or the thread pool, so a test could not act "at batch N".)
/// </summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add(value);
        onReport(value);
    }

    /// <summary>The per-batch reports (those without a completed epoch).</summary>
    public IEnumerable<TrainingProgress> BatchReports => Reports.Where(r => r.CompletedEpoch is null);
}
