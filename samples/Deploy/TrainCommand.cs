using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Deployment;
using TransferLearning.Onnx;

namespace Deploy;

/// <summary><c>train</c>: a CSV file in, one model file (and its ONNX export) out.</summary>
/// <param name="console">Where the summary goes.</param>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainCommand.Settings>
{
    /// <summary>The command line of <c>train</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Gets the training file.</summary>
        [CommandArgument(0, "<CSV>")]
        [Description("A CSV file of raw rows with a header and a label column.")]
        public required string Csv { get; init; }

        /// <summary>Gets the label column's header.</summary>
        [CommandOption("--label <COLUMN>")]
        [Description("The header of the label column (text or integer labels). Default: label.")]
        public string Label { get; init; } = "label";

        /// <summary>Gets where the model goes.</summary>
        [CommandOption("--model <PATH>")]
        [Description("The model file to write. Default: model.safetensors.")]
        public string ModelPath { get; init; } = "model.safetensors";

        /// <summary>Gets where the ONNX export goes, if anywhere.</summary>
        [CommandOption("--onnx <PATH>")]
        [Description("Also export the model to ONNX (it standardises raw rows itself).")]
        public string? OnnxPath { get; init; }

        /// <summary>Gets the number of epochs.</summary>
        [CommandOption("--epochs <N>")]
        [Description("Training epochs. Default: 10.")]
        public int Epochs { get; init; } = 10;

        /// <summary>Gets the seed.</summary>
        [CommandOption("--seed <N>")]
        [Description("The seed of every random choice. Default: 1.")]
        public int Seed { get; init; } = 1;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Epochs < 1 ? ValidationResult.Error($"--epochs must be at least 1 but is {Epochs}.") : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (model, raw, history) = DeployTraining.Train(settings.Csv, settings.Label, settings.Epochs, settings.Seed);
        Report(console, model, raw.Count, history.Epochs[^1].TrainAccuracy);
        model.Save(settings.ModelPath);
        console.MarkupLineInterpolated($"Model: [blue]{Path.GetFullPath(settings.ModelPath)}[/] ({new FileInfo(settings.ModelPath).Length:N0} bytes, one file)");
        if (settings.OnnxPath is { } onnx)
        {
            model.ExportOnnx(onnx);
            console.MarkupLineInterpolated($"ONNX:  [blue]{Path.GetFullPath(onnx)}[/] (takes raw rows: the standardisation is in the graph)");
        }

        return 0;
    }

    /// <summary>Prints what was trained.</summary>
    public static void Report(IAnsiConsole console, Model model, int rows, double? trainAccuracy)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(model);
        console.MarkupLineInterpolated($"Trained on [green]{rows:N0}[/] rows; training accuracy {trainAccuracy?.ToString("F3", CultureInfo.InvariantCulture) ?? "—"}.");
        console.WriteLine(model.ToString());
    }
}
