using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;
using TransferLearning.Transfer;

namespace TransferLab;

/// <summary>TransferLab's run: the set-ups the data set gives, each strategy at each N, the tables, the plot and the numbers.</summary>
/// <param name="console">Where the tables and progress go.</param>
public sealed class TransferLabCommand(IAnsiConsole console) : Command<TransferLabSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, TransferLabSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = Options(settings);
        var setups = Setups(settings, options);
        console.MarkupLineInterpolated($"[grey]{(settings.Quick ? "Quick run (Auto with 3 folds)" : "Full run")}: N ∈ {{{string.Join(", ", options.PerClass)}}} per class, {options.Seeds} seed(s).[/]");
        var results = new List<ComparisonResult>();
        foreach (var setup in setups)
        {
            var result = ProgressDisplay.Run(console, setup.Name, progress => StrategyComparison.Run(setup, options, progress));
            ComparisonReport.Print(console, result);
            results.Add(result);
        }

        string plot = settings.PlotPath ?? "transferlab.png";
        Chart.Save(plot, [.. results.Select(r => ComparisonReport.Panel(r, PlotTitle(r.Setup)))]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, results);
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The full run (N = 10 … 1,000, 3 seeds, every column) or the quick one (N = 10 and 100, 1 seed, Auto with 3 folds).</summary>
    public static ComparisonOptions Options(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Quick
            ? new ComparisonOptions { PerClass = [10, 100], Seeds = 1, Arms = ComparisonArm.All(new AutoSelectionOptions { Folds = 3 }) }
            : new ComparisonOptions();
        return options with { Seeds = settings.Seeds ?? options.Seeds };
    }

    private List<ComparisonSetup> Setups(TransferLabSettings settings, ComparisonOptions options)
    {
        if (settings.Dataset == "synthetic")
        {
            return [TransferLabSetups.Synthetic(options.PerClass.Max(), settings.Quick ? 4 : 8)];
        }

        var images = FashionMnistImages.Load(settings.DataDirectory, settings.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        int epochs = settings.Quick ? 2 : 10;
        return [TransferLabSetups.Helpful(images, epochs), TransferLabSetups.Unrelated(images, epochs)];
    }

    private static string PlotTitle(string setup) => setup switch
    {
        "helpful" => "Features help: 10 classes → 7 shop departments",
        "unrelated" => "They do not: classes 0–4 → 5–9",
        _ => "Synthetic related pair (LatentTasks)",
    };
}
