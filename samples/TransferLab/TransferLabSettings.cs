using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;

namespace TransferLab;

/// <summary>TransferLab's command line: the samples' options and <c>--dataset NAME</c>.</summary>
public sealed class TransferLabSettings : SampleSettings
{
    /// <summary>The data sets TransferLab knows: Fashion-MNIST (the default) and the library's related synthetic pair.</summary>
    public static IReadOnlyList<string> Datasets { get; } = ["fashion-mnist", "synthetic"];

    /// <summary>Gets the data set to run on, one of <see cref="Datasets"/>.</summary>
    /// <value>The default is <c>fashion-mnist</c>.</value>
    [CommandOption("--dataset <NAME>")]
    [Description("fashion-mnist (two set-ups from its images) or synthetic (the library's related synthetic pair).")]
    [DefaultValue("fashion-mnist")]
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Checks the shared options, then that <see cref="Dataset"/> is one of <see cref="Datasets"/>.</summary>
    /// <returns>Success, or an error naming the option, the expected and the actual value.</returns>
    public override ValidationResult Validate()
    {
        var shared = base.Validate();
        if (!shared.Successful)
        {
            return shared;
        }

        if (MissingValue("--dataset", Dataset) is { } missing)
        {
            return missing;
        }

        return Datasets.Contains(Dataset, StringComparer.Ordinal)
            ? ValidationResult.Success()
            : ValidationResult.Error($"Expected --dataset to be {string.Join(" or ", Datasets)} but got '{Dataset}'.");
    }
}
