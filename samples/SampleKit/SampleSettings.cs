using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace TransferLearning.Samples;

/// <summary>
/// The command line every sample understands (Spectre.Console.Cli reads it, prints <c>--help</c> and rejects
/// what it does not know): <c>--quick</c>, <c>--subset</c>, <c>--data DIR</c>, <c>--plot PATH</c>,
/// <c>--json PATH</c> and <c>--seeds N</c>. A sample with options of its own derives from it.
/// </summary>
public class SampleSettings : CommandSettings
{
    /// <summary>Gets a value indicating whether to run the short version (fewer sizes, one seed, short pretraining).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    [CommandOption("--quick")]
    [Description("The short run, about a minute: one seed, fewer sizes, short pretraining.")]
    public bool Quick { get; init; }

    /// <summary>Gets a value indicating whether to use the Fashion-MNIST subset bundled in samples/data even when the full data set is installed.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    [CommandOption("--subset")]
    [Description("Run on the Fashion-MNIST subset bundled in samples/data even when the full data set is installed.")]
    public bool Subset { get; init; }

    /// <summary>Gets the folder holding the four Fashion-MNIST files, or <see langword="null"/> to search the usual places.</summary>
    /// <value>The default is <see langword="null"/>: <c>FASHION_MNIST_DIR</c>, then <c>/usr/share/datasets/fashion-mnist</c>, else the bundled subset (see <see cref="FashionMnistFolders"/>).</value>
    [CommandOption("--data <DIR>")]
    [Description("The folder holding the four Fashion-MNIST files. Without it: FASHION_MNIST_DIR, then /usr/share/datasets/fashion-mnist, else the bundled subset.")]
    public string? DataDirectory { get; init; }

    /// <summary>Gets the PNG file to draw the plot in, or <see langword="null"/> for the sample's default.</summary>
    /// <value>The default is <see langword="null"/>: the sample's name in lower case, <c>.png</c>, in the current folder.</value>
    [CommandOption("--plot <PATH>")]
    [Description("The PNG file to draw the plot in. Without it: the sample's name in lower case, .png, in the current folder.")]
    public string? PlotPath { get; init; }

    /// <summary>Gets the file to write the numbers to as JSON, or <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>: no JSON.</value>
    [CommandOption("--json <PATH>")]
    [Description("Write the numbers to this file as JSON.")]
    public string? JsonPath { get; init; }

    /// <summary>Gets the number of seeds to average over, or <see langword="null"/> for the sample's default.</summary>
    /// <value>The default is <see langword="null"/>: 3 seeds, 1 with <c>--quick</c>.</value>
    [CommandOption("--seeds <N>")]
    [Description("The number of seeds to average over, a whole number ≥ 1. Without it: 3, or 1 with --quick.")]
    public int? Seeds { get; init; }

    /// <summary>Checks what the parser does not: every option given a value has one, and <see cref="Seeds"/> is at least 1.</summary>
    /// <returns>Success, or an error naming the option, the expected and the actual value.</returns>
    public override ValidationResult Validate()
    {
        foreach (var (option, value) in new[] { ("--data", DataDirectory), ("--plot", PlotPath), ("--json", JsonPath) })
        {
            if (MissingValue(option, value) is { } missing)
            {
                return missing;
            }
        }

        return Seeds is < 1
            ? ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"Expected --seeds to be a whole number ≥ 1 but got {Seeds}."))
            : ValidationResult.Success();
    }

    /// <summary>
    /// The error for an option written without its value, or <see langword="null"/> when <paramref name="value"/>
    /// is a real value (or the option was not given).
    /// </summary>
    /// <remarks>
    /// Spectre.Console.Cli 0.57.2 does not reject a value-taking option of the default command that ends the
    /// command line or is followed by another option (<c>--json</c>, <c>--json --quick</c>): it hands the option
    /// the name it gives the default command internally, <c>__default_command</c>. No real path is that name.
    /// </remarks>
    /// <param name="option">The option, as the user writes it.</param>
    /// <param name="value">The value the parser gave it.</param>
    /// <returns>The error, or <see langword="null"/>.</returns>
    protected static ValidationResult? MissingValue(string option, string? value) =>
        value is DefaultCommandName || (value is not null && value.StartsWith("--", StringComparison.Ordinal))
            ? ValidationResult.Error($"Expected a value after {option} but got none.")
            : null;

    private const string DefaultCommandName = "__default_command";
}
