// WakeWord: the source text's speech → wake-word story on images. Reuse a body pretrained on nine classes of
// clothing, put several new layers ending in one sigmoid unit on top, and detect the tenth class ("Ankle
// boot") against all others from a few positive examples; choose the decision threshold on validation data
// and report precision, recall and F1 on the test images, with the precision–recall curve.
using System.Globalization;
using Spectre.Console;
using TransferLearning.Samples;

namespace WakeWord;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!SampleArguments.TryParse(args, console, out var arguments))
        {
            return 2;
        }

        var options = Options(arguments);
        var images = FashionMnistImages.Load(arguments.DataDirectory, arguments.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        console.MarkupLineInterpolated($"[grey]{(arguments.Quick ? "Quick run" : "Full run")}: {options.Seeds} seed(s), pretraining {options.PretrainEpochs} epoch(s).[/]");
        var result = ConsoleProgress.Run(console, "wake word", progress => WakeWordExperiment.Run(images, options, progress));
        Print(console, result);

        string plot = arguments.PlotPath ?? "wakeword.png";
        Chart.Save(plot, [new ChartPanel(
            $"Detecting \"{result.DetectedClass}\" from {result.TrainPositives} positive examples (test images)",
            "recall",
            "precision",
            [.. result.Detectors.Select(d => new ChartSeries(d.Strategy, [.. d.Curve.Select(p => p.Recall)], [.. d.Curve.Select(p => p.Precision)]))])]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (arguments.JsonPath is { } json)
        {
            JsonReport.Write(json, result);
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The full run (3 seeds, 10 epochs of pretraining) or the quick one (1 seed, 2 epochs).</summary>
    public static WakeWordOptions Options(SampleArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var options = arguments.Quick ? new WakeWordOptions { Seeds = 1, PretrainEpochs = 2 } : new WakeWordOptions();
        return options with { Seeds = arguments.Seeds ?? options.Seeds };
    }

    private static void Print(IAnsiConsole console, WakeWordResult result)
    {
        console.Write(new Rule($"[bold]Wake word: \"{Markup.Escape(result.DetectedClass)}\" against everything else[/]").LeftJustified());
        console.MarkupLineInterpolated($"Body pretrained on {result.SourceCount:N0} images of the nine other classes ({result.SourceTestAccuracy:P1} test accuracy on them).");
        console.MarkupLineInterpolated($"Detector trained on {result.TrainPositives} positives and {result.TrainNegatives:N0} negatives; threshold chosen for the best F1 on {result.ValidationPositives} + {result.ValidationNegatives:N0} validation examples; scored on {result.TestPositives:N0} + {result.TestNegatives:N0} test images. {result.Elapsed.TotalSeconds:F0} s.");
        console.MarkupLineInterpolated($"The data-size policy would train [bold]{result.PolicyChoice}[/]:");
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
    }

    private static string Stat(IEnumerable<double> values) => Markup.Escape(MeanAndDeviation.Of(values).ToString());
}
