using Spectre.Console;

namespace TransferLearning.Samples;

/// <summary>The console the samples write to.</summary>
public static class SampleConsole
{
    /// <summary>
    /// The standard console; when the output goes to a file or a pipe (no terminal width to follow), 160
    /// columns wide so the tables keep one line per row.
    /// </summary>
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        return console;
    }
}
