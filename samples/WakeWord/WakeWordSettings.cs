using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;

namespace WakeWord;

/// <summary>WakeWord's command line: the samples' options and <c>--save PATH</c>.</summary>
public sealed class WakeWordSettings : SampleSettings
{
    /// <summary>Gets the file to save the chosen detector to as a deployable model (<c>Model.Load(path)</c> reads it), or <see langword="null"/> for none.</summary>
    /// <value>The default is <see langword="null"/>: nothing is saved.</value>
    [CommandOption("--save <PATH>")]
    [Description("Save the detector with the best validation F1 (its network, class names, decision threshold and provenance) as one model file.")]
    public string? SavePath { get; init; }

    /// <summary>Checks the shared options, then that <c>--save</c> has a value when given.</summary>
    /// <returns>Success, or an error naming the option.</returns>
    public override ValidationResult Validate()
    {
        var shared = base.Validate();
        return shared.Successful ? MissingValue("--save", SavePath) ?? ValidationResult.Success() : shared;
    }
}
