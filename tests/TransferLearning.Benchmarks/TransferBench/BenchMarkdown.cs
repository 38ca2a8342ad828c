using System.Globalization;
using System.Text;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>The suite's results as Markdown: a table per set-up, then the summary and the bounds.</summary>
public static class BenchMarkdown
{
    /// <summary>Short names of the strategies in the "picks" columns.</summary>
    public static IReadOnlyDictionary<string, string> ShortNames { get; } = new Dictionary<string, string>
    {
        ["FromScratch"] = "S",
        ["HeadOnly"] = "H",
        ["LastLayers(1)"] = "L1",
        ["FullFineTune"] = "F",
        ["TwoPhase"] = "T",
    };

    /// <summary>The whole report: heading, settings, a table per set-up, summary and bounds.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    public static string Format(BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# TransferBench{(run.Settings.Quick ? " (quick)" : string.Empty)}: transfer decisions on Fashion-MNIST{(run.Complete ? string.Empty : " — PARTIAL (the run has not finished every set-up)")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Date: {run.Started:yyyy-MM-dd HH:mm} UTC, {run.ElapsedSeconds / 60:F1} minutes\n");
        md.Append(CultureInfo.InvariantCulture, $"- CPU: {run.Cpu} (shared machine: times are wall times of one run)\n");
        md.Append(CultureInfo.InvariantCulture, $"- Runtime: {run.Runtime}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Seeds: {run.Settings.Seeds} per row; pretraining: {run.Settings.PretrainEpochs} epochs; every target run: batch {run.Settings.BatchSize}, about {run.Settings.Steps} steps, {run.Settings.MinEpochs}–{run.Settings.MaxEpochs} epochs\n");
        foreach (string note in run.Settings.Notes)
        {
            md.Append(CultureInfo.InvariantCulture, $"- {note}\n");
        }

        md.Append("- Set-ups: ").Append(string.Join("; ", run.Settings.Setups)).Append('\n');
        md.Append("\nScores are the user's metric on all the target's test examples, mean over the seeds; the best fixed strategy in bold. ")
          .Append("Regret, in points (100 × the metric): the best fixed strategy's mean − the column's mean [per seed: that seed's best fixed strategy − the column on that seed]. ")
          .Append("Picks per seed: S FromScratch, H HeadOnly, L1 LastLayers(1), F FullFineTune, T TwoPhase. ")
          .Append("Default's cost: its decision (`TransferPipeline.Decide`) in seconds and as a multiple of one FromScratch training of the row; ")
          .Append("Auto's: its decision plus the chosen strategy's training, as a multiple of the slowest fixed strategy's training. ")
          .Append("Advisor: \"(c) the features help\" per seed (y yes, n no, ? could not tell), and its linear probe on the raw inputs (held-out balanced accuracy or R², mean).\n");
        foreach (var setup in run.Setups)
        {
            AppendSetup(md, setup);
        }

        if (run.NullChecks is { Count: > 0 } nulls)
        {
            md.Append("\n## The advisor on random targets\n\n")
              .Append("The helpful set-up's body and images, the labels shuffled (random labels, the class counts kept) or a value drawn from N(0, 1) per image (random values): no features can help. \"helps\" counts the draws on which the advisor said \"(c) the features help\".\n\n")
              .Append("| target | N (per class) | draws | \"helps\" | could not tell |\n|---|---|---|---|---|\n");
            foreach (var check in nulls)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {check.Kind} | {check.Size:N0} | {check.Draws} | {check.Helps} | {check.Unsure} |\n");
            }
        }

        md.Append('\n').Append(Summary(run));
        return md.ToString();
    }

    /// <summary>The summary: mean regret per set-up and over all rows, the worst seed, and every bound with its verdict.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is <see langword="null"/>.</exception>
    public static string Summary(BenchRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        md.Append("## Summary\n\n| set-up | metric | rows | mean regret Default | mean regret Auto | worst seed Default | worst seed Auto |\n|---|---|---|---|---|---|---|\n");
        foreach (var setup in run.Setups)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {setup.Name} | {setup.Metric} | {setup.Rows.Count} | {Points(BenchBounds.MeanRegret(setup.Rows, BenchRow.DefaultArm), 2)} | {Points(BenchBounds.MeanRegret(setup.Rows, BenchRow.AutoArm), 2)} | {Worst(setup.Rows, BenchRow.DefaultArm)} | {Worst(setup.Rows, BenchRow.AutoArm)} |\n");
        }

        var all = run.Setups.SelectMany(s => s.Rows).ToList();
        md.Append(CultureInfo.InvariantCulture, $"| **all** | | {all.Count} | **{Points(run.DefaultMeanRegret, 2)}** | **{Points(run.AutoMeanRegret, 2)}** | {Worst(all, BenchRow.DefaultArm)} | {Worst(all, BenchRow.AutoArm)} |\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Worst single-seed regret: {WorstWhere(run, BenchRow.DefaultArm)} (Default), {WorstWhere(run, BenchRow.AutoArm)} (Auto).\n\n");
        md.Append("### Issue 18's \"Must show\" bounds on these rows\n\n| bound | today | rows checked | where it breaks |\n|---|---|---|---|\n");
        foreach (var bound in run.Bounds)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {bound.Bound} | **{bound.Verdict}** | {bound.Checked} | {(bound.Breaks.Count == 0 ? "—" : string.Join("; ", bound.Breaks))} |\n");
        }

        md.Append(run.NullChecks is { Count: > 0 }
            ? "\nThe slow-tier test of the bounds (`TransferBenchRegretTests`) runs outside this suite.\n"
            : "\nNot measured in this run: the advisor on random-label and random-value targets. The slow-tier test of the bounds (`TransferBenchRegretTests`) runs outside this suite.\n");
        return md.ToString();
    }

    /// <summary>A number of points with <paramref name="decimals"/> decimals (1 or 2) and a minus sign only where it is negative after rounding ("1.2", "−0.4", "0.0").</summary>
    public static string Points(double points, int decimals = 1) =>
        points.ToString(decimals == 2 ? "0.00;−0.00;0.00" : "0.0;−0.0;0.0", CultureInfo.InvariantCulture);

    /// <summary>One set-up's table.</summary>
    private static void AppendSetup(StringBuilder md, BenchSetupResult setup)
    {
        md.Append(CultureInfo.InvariantCulture, $"\n## {setup.Name}: {setup.Title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Metric: **{setup.Metric}** on {setup.TestCount:N0} test examples. Source: {setup.SourceCount:N0} examples, pretrained network's source test accuracy {setup.SourceAccuracy:F3}.\n");
        foreach (string note in setup.Notes)
        {
            md.Append(CultureInfo.InvariantCulture, $"{note}.\n");
        }

        if (setup.Rows.Count == 0)
        {
            return;
        }

        var names = setup.Rows[0].Arms.Select(a => a.Name).ToList();
        md.Append(CultureInfo.InvariantCulture, $"\n| N ({setup.SizeUnit}) | examples | seeds | {string.Join(" | ", names)} | Default picks | Auto picks | regret Default | regret Auto | Default decides | Auto costs | advisor helps | raw probe |\n");
        md.Append("|---").Append(string.Concat(Enumerable.Repeat("|---", names.Count + 10))).Append("|\n");
        foreach (var row in setup.Rows)
        {
            string best = row.Best;
            var scores = row.Arms.Select(a => a.Name == best ? $"**{Score(a.Mean)}**" : Score(a.Mean));
            md.Append(CultureInfo.InvariantCulture, $"| {row.Size:N0} | {row.TargetCount:N0} | {row.Arms[0].Scores.Count} | {string.Join(" | ", scores)} | {Picks(row[BenchRow.DefaultArm])} | {Picks(row[BenchRow.AutoArm])} | {Regret(row, BenchRow.DefaultArm)} | {Regret(row, BenchRow.AutoArm)} | ");
            md.Append(CultureInfo.InvariantCulture, $"{row[BenchRow.DefaultArm].MeanDecideSeconds:F1} s ({row.DefaultCost:F2} × S) | {row[BenchRow.AutoArm].MeanTotalSeconds:F1} s ({row.AutoCost:F1} × slowest) | {Advice(row.AdvisorHelps)} | {Score(row.RawProbe.Average())} |\n");
        }
    }

    private static string Score(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Picks(BenchArm arm) => string.Join("/", arm.Chosen.Select(c => ShortNames.TryGetValue(c, out string? s) ? s : c));

    private static string Regret(BenchRow row, string arm) => $"{Points(row.MeanRegretOf(arm))} [{string.Join(", ", row.SeedRegretOf(arm).Select(r => Points(r)))}]";

    private static string Advice(IReadOnlyList<bool?> helps) => string.Concat(helps.Select(h => h switch { true => "y", false => "n", null => "?" }));

    private static string Worst(IEnumerable<BenchRow> rows, string arm) => Points(rows.SelectMany(r => r.SeedRegretOf(arm)).DefaultIfEmpty(double.NaN).Max());

    private static string WorstWhere(BenchRun run, string arm)
    {
        var worst = run.Setups
            .SelectMany(s => s.Rows.SelectMany(r => r.SeedRegretOf(arm).Select((regret, seed) => (Regret: regret, Where: string.Create(CultureInfo.InvariantCulture, $"{s.Name} N={r.Size} seed {seed}")))))
            .DefaultIfEmpty((double.NaN, "no rows"))
            .MaxBy(x => x.Item1);
        return $"{Points(worst.Item1)} points at {worst.Item2}";
    }
}
