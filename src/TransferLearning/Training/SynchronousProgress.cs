namespace TransferLearning.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the thread that reports: for
/// <see cref="Trainer.Fit"/>, on the training thread, in order, every report before <c>Fit</c> returns.
/// </summary>
/// <remarks>
/// <see cref="Progress{T}"/> is made for user interfaces: it posts each report to the synchronisation context
/// captured when it was created, or, in a console application (none), to the thread pool. Its reports may then run
/// late, out of order and after <c>Fit</c> has returned. Use this class (or <see cref="ConsoleProgress"/>) outside a
/// user interface. The handler runs inside the training loop: a slow handler slows training, and an exception it
/// throws ends the run.
/// </remarks>
/// <typeparam name="T">The type of the reports.</typeparam>
/// <example>
/// <code>
/// var reports = new List&lt;TrainingProgress&gt;();
/// trainer.Fit(network, train, validation, new SynchronousProgress&lt;TrainingProgress&gt;(reports.Add));
/// // every report is in the list, in order
/// </code>
/// </example>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates the reporter.</summary>
    /// <param name="handler">Called with every report, on the reporting thread.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    public SynchronousProgress(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Calls the handler with <paramref name="value"/>, at once.</summary>
    /// <param name="value">The report.</param>
    public void Report(T value) => _handler(value);
}
