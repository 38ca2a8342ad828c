using System.Globalization;
using Spectre.Console;

namespace TransferLearning.Samples;

/// <summary>Prints a <see cref="ComparisonResult"/> (table, decisions with their reasons, the advisor) and draws it.</summary>
public static class ComparisonReport
{
    /// <summary>Prints the table of test accuracy, what the policy and Auto chose and why, and the advisor's reports.</summary>
    public static void Print(IAnsiConsole console, ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        console.Write(new Rule($"[bold]{Markup.Escape(result.Title)}[/]").LeftJustified());
        console.MarkupLineInterpolated($"Data: {result.Data}");
        console.MarkupLineInterpolated($"Source: pretrained on {result.SourceCount:N0} examples, {result.SourceTestAccuracy:P1} accuracy on the source's test examples. Target test: {result.TargetTestCount:N0} examples. {result.Elapsed.TotalSeconds:F0} s.");
        console.Write(Table(result));
        foreach (var row in result.Rows)
        {
            console.MarkupLineInterpolated($"[bold]N = {row.PerClass:N0} per class[/] ({row.TargetCount:N0} target examples)");
            foreach (var arm in row.Arms.Where(a => a.Decides))
            {
                console.MarkupLineInterpolated($"  {arm.Arm} chose [bold]{Choices(arm.Chosen)}[/]; its reasons (seed 0):");
                foreach (string reason in arm.Reasons)
                {
                    console.MarkupLineInterpolated($"    - {reason}");
                }
            }

            if (row.Advice is { } advice)
            {
                console.MarkupLineInterpolated($"  Advisor: {advice.Report.Replace("\n", "\n  ", StringComparison.Ordinal)}");
            }
        }

        console.WriteLine();
    }

    /// <summary>Accuracy against N per column, with ± sd bars (N on a log scale).</summary>
    public static ChartPanel Panel(ComparisonResult result, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var series = result.Rows[0].Arms.Select((arm, i) => new ChartSeries(
            arm.Arm,
            [.. result.Rows.Select(r => (double)r.PerClass)],
            [.. result.Rows.Select(r => r.Arms[i].Accuracy.Mean)],
            [.. result.Rows.Select(r => r.Arms[i].Accuracy.StandardDeviation)],
            Dashed: arm.Decides)).ToList();
        return new ChartPanel(title, "target examples per class (log scale)", "test accuracy on all target test images", series, LogX: true);
    }

    private static Table Table(ComparisonResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Target test accuracy (mean ± sd over seeds; best in green)");
        table.AddColumn(new TableColumn("N per class").RightAligned());
        foreach (var arm in result.Rows[0].Arms)
        {
            table.AddColumn(new TableColumn(arm.Arm).RightAligned());
        }

        table.AddColumn("Advisor");
        foreach (var row in result.Rows)
        {
            double best = row.Arms.Max(a => a.Accuracy.Mean);
            var cells = new List<string> { row.PerClass.ToString("N0", CultureInfo.InvariantCulture) };
            foreach (var arm in row.Arms)
            {
                string text = Markup.Escape(arm.Accuracy.ToString());
                if (arm.Accuracy.Mean >= best)
                {
                    text = $"[bold green]{text}[/]";
                }

                if (arm.Decides)
                {
                    text += $"\n[grey]{Markup.Escape(Choices(arm.Chosen))}[/]";
                }

                cells.Add(text);
            }

            cells.Add(row.Advice switch
            {
                null => "—",
                { MakesSense: true } => "[green]makes sense[/]",
                { FeaturesHelp: false } => "[red]features do not help[/]",
                _ => "[yellow]unlikely to help[/]",
            });
            table.AddRow([.. cells]);
        }

        return table;
    }

    // "HeadOnly" when every seed chose it, "HeadOnly ×2, FromScratch ×1" otherwise.
    private static string Choices(IReadOnlyList<string> chosen)
    {
        var groups = chosen.GroupBy(c => c).OrderByDescending(g => g.Count()).ToList();
        return groups.Count == 1 ? groups[0].Key : string.Join(", ", groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}")));
    }
}
