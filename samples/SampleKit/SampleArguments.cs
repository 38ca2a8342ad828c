using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Spectre.Console;

namespace TransferLearning.Samples;

/// <summary>
/// The command line every sample understands: <c>--quick</c> (a run of about a minute), <c>--json PATH</c>
/// (the numbers), <c>--plot PATH</c> (the PNG), <c>--data DIR</c> (where Fashion-MNIST is), <c>--subset</c>
/// (the bundled subset instead),
/// <c>--dataset NAME</c> and <c>--seeds N</c>.
/// </summary>
public sealed record SampleArguments
{
    /// <summary>Gets a value indicating whether to run the short version (fewer sizes, one seed, short pretraining).</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the file to write the numbers to as JSON, or <see langword="null"/> for none.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Gets the PNG file to draw the plot in, or <see langword="null"/> for the sample's default.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Gets the folder holding the four Fashion-MNIST files, or <see langword="null"/> to search the usual places.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Gets a value indicating whether to use the Fashion-MNIST subset bundled in samples/data even when the full data set is installed.</summary>
    public bool Subset { get; init; }

    /// <summary>Gets the data set the sample runs on (each sample says which it knows), or <see langword="null"/> for its default.</summary>
    public string? Dataset { get; init; }

    /// <summary>Gets the number of seeds to average over, or <see langword="null"/> for the sample's default.</summary>
    public int? Seeds { get; init; }

    /// <summary>Reads the arguments, or prints what is wrong with them to <paramref name="console"/> and returns <see langword="false"/>.</summary>
    public static bool TryParse(IReadOnlyList<string> args, IAnsiConsole console, [NotNullWhen(true)] out SampleArguments? arguments)
    {
        ArgumentNullException.ThrowIfNull(console);
        try
        {
            arguments = Parse(args);
            return true;
        }
        catch (ArgumentException e)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            arguments = null;
            return false;
        }
    }

    /// <summary>Reads the arguments; an unknown one or a missing value is an error that says which.</summary>
    public static SampleArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new SampleArguments();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"Expected a value after {name} but got none.", nameof(args));
            result = name switch
            {
                "--quick" => result with { Quick = true },
                "--subset" => result with { Subset = true },
                "--json" => result with { JsonPath = Value() },
                "--plot" => result with { PlotPath = Value() },
                "--data" => result with { DataDirectory = Value() },
                "--dataset" => result with { Dataset = Value() },
                "--seeds" => result with { Seeds = ParseSeeds(Value()) ?? throw new ArgumentException($"Expected --seeds to be a whole number ≥ 1 but got '{args[i]}'.", nameof(args)) },
                _ => throw new ArgumentException(
                    $"Unknown argument '{name}'. Expected --quick, --subset, --json PATH, --plot PATH, --data DIR, --dataset NAME or --seeds N.", nameof(args)),
            };
        }

        return result;
    }

    private static int? ParseSeeds(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seeds) && seeds >= 1 ? seeds : null;
}
