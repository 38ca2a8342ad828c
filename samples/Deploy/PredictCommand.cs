using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Samples;

namespace Deploy;

/// <summary><c>predict</c>: one model file and raw rows in, class names out — in a process that knows nothing else of the training.</summary>
/// <param name="console">Where the predictions go.</param>
public sealed class PredictCommand(IAnsiConsole console) : Command<PredictCommand.Settings>
{
    /// <summary>The command line of <c>predict</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Gets the model file.</summary>
        [CommandArgument(0, "<MODEL>")]
        [Description("A model file written by train (Model.Save).")]
        public required string ModelPath { get; init; }

        /// <summary>Gets the rows.</summary>
        [CommandArgument(1, "<CSV>")]
        [Description("A CSV file of raw rows with a header; a label column, if named with --label, is read with the model's label map and scored.")]
        public required string Csv { get; init; }

        /// <summary>Gets the label column's header, if the file has one.</summary>
        [CommandOption("--label <COLUMN>")]
        [Description("The header of a label column to score against (read with the model's class names).")]
        public string? Label { get; init; }

        /// <summary>Gets how many predictions to print.</summary>
        [CommandOption("--show <N>")]
        [Description("How many predictions to print. Default: 10.")]
        public int Show { get; init; } = 10;

        /// <summary>Gets where every prediction goes as JSON, if anywhere.</summary>
        [CommandOption("--json <PATH>")]
        [Description("Write every prediction (class name, probabilities) to a JSON file.")]
        public string? JsonPath { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = Model.Load(settings.ModelPath);
        console.MarkupLineInterpolated($"Loaded [blue]{settings.ModelPath}[/]: {model.Task}, classes {string.Join(", ", model.ClassNames)}.");
        var (rows, labelled) = Read(settings.Csv, settings.Label, model);
        var labels = labelled?.Labels;
        var predictions = model.Predict(rows);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Row", "Predicted", "p", "Label in file");
        for (int j = 0; j < Math.Min(settings.Show, predictions.Count); j++)
        {
            var p = predictions[j];
            table.AddRow(
                j.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(p.ClassName ?? p.ToString()),
                p.ClassIndex is int c ? p.Probabilities[c].ToString("F3", CultureInfo.InvariantCulture) : "—",
                labels is null ? "—" : Markup.Escape(model.ClassNames[labels[j]]));
        }

        console.Write(table);
        if (labels is not null)
        {
            int correct = predictions.Where((p, j) => p.ClassIndex == labels[j]).Count();
            console.MarkupLineInterpolated($"Accuracy on {predictions.Count:N0} rows: [green]{(double)correct / predictions.Count:F3}[/]");
            console.WriteLine(model.Report(labelled!).ToString());
        }

        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, new { predictions = predictions.Select(p => new { p.ClassName, p.ClassIndex, p.Probabilities, p.Outputs }) });
            console.MarkupLineInterpolated($"Predictions: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The rows of <paramref name="path"/> as <c>rows[i, j]</c>, and, when a label column is named, the rows with their labels in the model's label map.</summary>
    private static (float[,] Rows, Dataset? Labelled) Read(string path, string? labelColumn, Model model)
    {
        if (labelColumn is not null)
        {
            // The model's class names fix the label map: a file with only some classes keeps every class's index.
            var data = CsvReader.ReadDataset(path, new CsvOptions { LabelColumn = labelColumn, ClassNames = model.ClassNames });
            var rows = new float[data.Count, data.FeatureCount];
            Buffer.BlockCopy(data.FeatureValues.ToArray(), 0, rows, 0, data.Count * data.FeatureCount * sizeof(float));
            return (rows, data);
        }

        var lines = File.ReadLines(path).Skip(1).Where(l => l.Length > 0).ToList();
        var values = new float[lines.Count, model.FeatureCount];
        for (int j = 0; j < lines.Count; j++)
        {
            var fields = lines[j].Split(',');
            if (fields.Length != model.FeatureCount)
            {
                throw new InvalidDataException($"{path}, line {j + 2}: expected {model.FeatureCount} values (the model's features) but got {fields.Length}.");
            }

            for (int i = 0; i < fields.Length; i++)
            {
                values[j, i] = float.Parse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return (values, null);
    }
}
