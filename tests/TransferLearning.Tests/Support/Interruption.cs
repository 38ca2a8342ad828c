using TransferLearning.Training;

namespace TransferLearning.Tests.Support;

/// <summary>Stops a training run once an epoch is done, as a process killed then would (the checkpoint of that epoch is written before the next mini-batch checks the token).</summary>
internal static class Interruption
{
    /// <summary>Runs <paramref name="train"/> with a progress that cancels it when epoch <paramref name="epoch"/> completes, and asserts that it stopped with <see cref="OperationCanceledException"/>.</summary>
    public static void AfterEpoch(int epoch, Action<IProgress<TrainingProgress>, CancellationToken> train)
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(r =>
        {
            if (r.CompletedEpoch?.Epoch == epoch)
            {
                cancel.Cancel();
            }
        });
        Action run = () => train(progress, cancel.Token);
        run.Should().Throw<OperationCanceledException>();
    }
}
