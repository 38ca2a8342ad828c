namespace TransferLearning.Training;

/// <summary>
/// Writes one line per completed epoch — the epoch, the training loss and accuracy, the validation loss and
/// accuracy, the learning rate and the epoch's time (<see cref="EpochReport.ToString"/>) — to the console or another
/// writer, at once, on the training thread; mini-batch reports are not written.
/// </summary>
/// <example>
/// <code>
/// new Trainer(options).Fit(network, train, validation, new ConsoleProgress());
/// // epoch   1: loss 0.6120, accuracy 78.9 % | validation loss 0.4702, accuracy 83.1 % | lr 0.001, 0.42 s
/// </code>
/// </example>
public sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    private readonly TextWriter? _writer;

    /// <summary>Creates a reporter that writes to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the lines go; <see langword="null"/> (the default) writes to <see cref="Console.Out"/> as it is at each report.</param>
    public ConsoleProgress(TextWriter? writer = null)
    {
        _writer = writer;
    }

    /// <summary>Writes <paramref name="value"/>'s epoch report as one line when an epoch has just finished; ignores mini-batch reports.</summary>
    /// <param name="value">The report.</param>
    public void Report(TrainingProgress value)
    {
        if (value.CompletedEpoch is { } epoch)
        {
            (_writer ?? Console.Out).WriteLine(epoch.ToString());
        }
    }
}
