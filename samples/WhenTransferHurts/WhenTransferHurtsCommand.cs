using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;

namespace WhenTransferHurts;

/// <summary>WhenTransferHurts' run: both pairs, every strategy, the verdicts, the plot and the numbers.</summary>
/// <param name="console">Where the tables and progress go.</param>
public sealed class WhenTransferHurtsCommand(IAnsiConsole console) : Command<SampleSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, SampleSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var images = FashionMnistImages.Load(settings.DataDirectory, settings.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        console.MarkupLineInterpolated($"[grey]{(settings.Quick ? "Quick run: 1 seed, Auto with 3 folds, 10 epochs a run" : "Full run: 3 seeds")}; {WhenTransferHurtsExperiment.SourceCount} source examples, {WhenTransferHurtsExperiment.TargetCount:N0} target examples.[/]");
        var results = new List<ComparisonResult>();
        foreach (var (setup, perClass) in WhenTransferHurtsExperiment.Pairs(images))
        {
            var options = WhenTransferHurtsExperiment.Options(perClass, settings.Quick, settings.Seeds);
            var result = ProgressDisplay.Run(console, setup.Name, progress => StrategyComparison.Run(setup, options, progress));
            ComparisonReport.Print(console, result);
            results.Add(result);
        }

        var verdicts = results.Select(WhenTransferHurtsExperiment.Verdict).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("Does transfer help with 100 source and 1,000 target examples?");
        table.AddColumns("Pair", "Policy chose", "Advisor", "Auto chose", "FromScratch", "Best transfer strategy", "Its gain");
        foreach (var v in verdicts)
        {
            table.AddRow(
                Markup.Escape(v.Setup),
                Markup.Escape(string.Join(", ", v.PolicyChoices.Distinct())),
                v.AdvisorSaysTransferMakesSense switch { true => "[green]transfer makes sense[/]", false => "[red]transfer unlikely to help[/]", null => "—" },
                Markup.Escape(string.Join(", ", v.AutoChoices.Distinct())),
                v.FromScratchAccuracy.ToString("F3", CultureInfo.InvariantCulture),
                Markup.Escape(v.BestTransfer),
                string.Create(CultureInfo.InvariantCulture, $"{v.BestTransferGainPoints:+0.0;-0.0;0.0} points"));
        }

        console.Write(table);
        string plot = settings.PlotPath ?? "whentransferhurts.png";
        Chart.SaveBars(plot, [.. results.Select(r => new BarPanel(
            r.Setup == "related" ? "Related pair: 10 classes → warm-weather wear" : "Unrelated pair: classes 0–4 → 5–9",
            "test accuracy (100 source, 1,000 target examples)",
            [.. r.Rows[0].Arms.Select(a => a.Arm)],
            [.. r.Rows[0].Arms.Select(a => a.Accuracy.Mean)],
            [.. r.Rows[0].Arms.Select(a => a.Accuracy.StandardDeviation)]))]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, new { results, verdicts });
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }
}
