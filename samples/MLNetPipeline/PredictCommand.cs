using System.ComponentModel;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.MLNet;
using TransferLearning.Samples;

namespace MLNetPipeline;

/// <summary><c>predict</c>: a pipeline saved by <c>SaveWithNetworks</c> and CSV rows in, ML.NET's scores out — in a process that knows nothing else of the training.</summary>
/// <param name="console">Where the predictions go.</param>
public sealed class PredictCommand(IAnsiConsole console) : Command<PredictCommand.Settings>
{
    /// <summary>The command line of <c>predict</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Gets the saved pipeline.</summary>
        [CommandArgument(0, "<MODEL>")]
        [Description("A pipeline saved by mlContext.Model.SaveWithNetworks.")]
        public required string ModelPath { get; init; }

        /// <summary>Gets the rows.</summary>
        [CommandArgument(1, "<CSV>")]
        [Description("A CSV file of rows as the sample writes them: 784 pixel values 0–255, then the class name.")]
        public required string Csv { get; init; }

        /// <summary>Gets how many predictions to print.</summary>
        [CommandOption("--show <N>")]
        [Description("How many predictions to print. Default: 10.")]
        public int Show { get; init; } = 10;

        /// <summary>Gets where every prediction goes as JSON, if anywhere.</summary>
        [CommandOption("--json <PATH>")]
        [Description("Write every prediction (class name, scores) to a JSON file.")]
        public string? JsonPath { get; init; }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ml = new MLContext(seed: 0);
        var model = ml.Model.LoadWithNetworks(settings.ModelPath, out _);
        var rows = FashionPipeline.Load(ml, settings.Csv);
        var scored = model.Transform(rows);
        VBuffer<ReadOnlyMemory<char>> classes = default;
        scored.Schema["Score"].GetSlotNames(ref classes);
        var names = classes.DenseValues().Select(n => n.ToString()).ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var predicted = scored.GetColumn<uint>("PredictedLabel").Select(key => names[key - 1]).ToArray();
        var labels = rows.GetColumn<string>("Label").ToArray();
        console.MarkupLineInterpolated($"Loaded [blue]{settings.ModelPath}[/]: {model.GetType().Name} of {((IEnumerable<ITransformer>)model).Count()} transformers; classes {string.Join(", ", names)}.");
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Row", "Predicted", "Score", "Label in file");
        for (int j = 0; j < Math.Min(settings.Show, scores.Length); j++)
        {
            table.AddRow(j.ToString(CultureInfo.InvariantCulture), Markup.Escape(predicted[j]), scores[j].Max().ToString("F3", CultureInfo.InvariantCulture), Markup.Escape(labels[j]));
        }

        console.Write(table);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        console.MarkupLineInterpolated($"ML.NET's evaluation of the loaded pipeline on {scores.Length:N0} rows: accuracy [green]{metrics.MicroAccuracy:F3}[/], log-loss {metrics.LogLoss:F3}.");
        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, new { accuracy = metrics.MicroAccuracy, predictions = predicted.Select((name, j) => new { className = name, score = scores[j] }) });
            console.MarkupLineInterpolated($"Predictions: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }
}
