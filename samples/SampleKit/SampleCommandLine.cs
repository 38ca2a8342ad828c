using System.Runtime.ExceptionServices;
using Spectre.Console;
using Spectre.Console.Cli;

namespace TransferLearning.Samples;

/// <summary>
/// Runs a sample's command on its command line with Spectre.Console.Cli: the same parsing, <c>--help</c> and
/// errors for every sample.
/// </summary>
public static class SampleCommandLine
{
    /// <summary>The exit code of a command line that could not be read (an unknown option, a missing or bad value).</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Reads <paramref name="args"/> into <typeparamref name="TCommand"/>'s settings and runs it, writing to
    /// <paramref name="console"/>. <c>--help</c> prints the options and returns 0.
    /// </summary>
    /// <typeparam name="TCommand">The sample's command; it may take an <see cref="IAnsiConsole"/> in its constructor.</typeparam>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where the sample, its help and its errors are written.</param>
    /// <param name="name">The sample's name, as the help's usage line shows it.</param>
    /// <param name="description">One sentence on what the sample does, for the help.</param>
    /// <returns>The command's exit code, or <see cref="UsageError"/> when the command line could not be read (Spectre's error is printed).</returns>
    public static int Run<TCommand>(IReadOnlyList<string> args, IAnsiConsole console, string name, string description)
        where TCommand : class, ICommand
    {
        ArgumentNullException.ThrowIfNull(args);
        var app = new CommandApp<TCommand>().WithDescription(description);
        app.Configure(config => Configure(config, console, name));
        return app.Run(args);
    }

    /// <summary>
    /// The configuration every sample shares: its name, the console (also given to the command's constructor),
    /// strict parsing (an unknown option is an error), and <see cref="UsageError"/> with Spectre's message for
    /// a command line that could not be read. Any other exception is the sample's own and propagates as it is.
    /// </summary>
    /// <param name="config">The app's configurator.</param>
    /// <param name="console">Where the sample, its help and its errors are written.</param>
    /// <param name="name">The sample's name.</param>
    public static void Configure(IConfigurator config, IAnsiConsole console, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(console);
        config.SetApplicationName(name);
        config.ConfigureConsole(console);
        config.UseStrictParsing();
        config.Settings.Registrar.RegisterInstance(console);
        config.SetExceptionHandler((exception, _) =>
        {
            if (exception is CommandAppException usage)
            {
                console.Write(usage.Pretty ?? new Markup($"[red]Error:[/] {Markup.Escape(usage.Message)}"));
                console.WriteLine();
                return UsageError;
            }

            ExceptionDispatchInfo.Capture(exception).Throw();
            return 1;   // not reached
        });
    }
}
