using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Deployment;
using TransferLearning.Samples;

namespace WakeWord;

/// <summary>WakeWord's run: pretrain, train the detectors, package each as a model whose threshold the library chooses on validation data, score and plot them.</summary>
/// <param name="console">Where the tables and progress go.</param>
public sealed class WakeWordCommand(IAnsiConsole console) : Command<WakeWordSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, WakeWordSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = Options(settings);
        var images = FashionMnistImages.Load(settings.DataDirectory, settings.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        console.MarkupLineInterpolated($"[grey]{(settings.Quick ? "Quick run" : "Full run")}: {options.Seeds} seed(s), pretraining {options.PretrainEpochs} epoch(s).[/]");
        var result = ProgressDisplay.Run(console, "wake word", progress => WakeWordExperiment.Run(images, options, progress));
        Print(result);

        string plot = settings.PlotPath ?? "wakeword.png";
        Chart.Save(plot, [new ChartPanel(
            $"Detecting \"{result.DetectedClass}\" from {result.TrainPositives} positive examples (test images)",
            "recall",
            "precision",
            [.. result.Detectors.Select(d => new ChartSeries(d.Strategy, [.. d.Curve.Select(p => p.Recall)], [.. d.Curve.Select(p => p.Precision)]))])]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (settings.SavePath is { } save)
        {
            result.Chosen.Model.Save(save);
            console.MarkupLineInterpolated($"Detector: [blue]{Path.GetFullPath(save)}[/] ({result.Chosen.Strategy}, seed {result.Chosen.Seed}; Model.Load reads it, and Predict decides at its threshold)");
        }

        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, result);
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The full run (3 seeds, 10 epochs of pretraining) or the quick one (1 seed, 2 epochs).</summary>
    public static WakeWordOptions Options(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Quick ? new WakeWordOptions { Seeds = 1, PretrainEpochs = 2 } : new WakeWordOptions();
        return options with { Seeds = settings.Seeds ?? options.Seeds };
    }

    private void Print(WakeWordResult result)
    {
        console.Write(new Rule($"[bold]Wake word: \"{Markup.Escape(result.DetectedClass)}\" against everything else[/]").LeftJustified());
        console.MarkupLineInterpolated($"Body pretrained on {result.SourceCount:N0} images of the nine other classes ({result.SourceTestAccuracy:P1} test accuracy on them).");
        console.MarkupLineInterpolated($"Detector trained on {result.TrainPositives} positives and {result.TrainNegatives:N0} negatives; threshold chosen for the best F1 on {result.ValidationPositives} + {result.ValidationNegatives:N0} validation examples; scored on {result.TestPositives:N0} + {result.TestNegatives:N0} test images. {result.Elapsed.TotalSeconds:F0} s.");
        console.MarkupLineInterpolated($"The data-size policy, told the detector is judged on its ranking of the boots (average precision, which the threshold turns into F1), would train [bold]{result.PolicyChoice}[/]:");
        foreach (string reason in result.PolicyReasons)
        {
            console.MarkupLineInterpolated($"  - {reason}");
        }

        var table = new Table().Border(TableBorder.Rounded).Title("Test images, at the threshold chosen on validation data (mean ± sd over seeds)");
        table.AddColumns("Strategy", "Threshold", "Precision", "Recall", "F1", "Average precision");
        foreach (var d in result.Detectors)
        {
            table.AddRow(
                Markup.Escape(d.Strategy),
                Stat(d.Test.Select(t => t.Threshold)),
                Stat(d.Test.Select(t => t.Precision)),
                Stat(d.Test.Select(t => t.Recall)),
                Stat(d.Test.Select(t => t.F1)),
                Stat(d.AveragePrecision));
        }

        console.Write(table);
        var c = result.Chosen;
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Chosen detector (best validation F1): [bold]{c.Strategy}[/], seed {c.Seed}: \"{result.DetectedClass}\" when P ≥ {c.Threshold:F3}, validation F1 {c.ValidationF1:F3}.");
    }

    private static string Stat(IEnumerable<double> values) => Markup.Escape(MeanAndDeviation.Of(values).ToString());
}
