using Spectre.Console;

namespace TransferLearning.Samples;

/// <summary>Runs an experiment under a Spectre.Console progress bar fed by its <see cref="ExperimentStep"/> reports.</summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/> with a progress bar titled <paramref name="title"/> and returns its result.</summary>
    public static T Run<T>(IAnsiConsole console, string title, Func<IProgress<ExperimentStep>, T> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var result = work(new TaskProgress(task, title));
                task.Value = task.MaxValue;
                task.Description = Markup.Escape(title);
                return result;
            });
    }

    // Updates the task on the reporting thread (Progress<T> would post to the thread pool and lag behind).
    private sealed class TaskProgress(ProgressTask task, string title) : IProgress<ExperimentStep>
    {
        public void Report(ExperimentStep value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = Markup.Escape($"{title}: {value.Description}");
        }
    }
}
