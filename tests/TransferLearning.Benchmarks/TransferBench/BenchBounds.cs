using System.Globalization;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>
/// Issue 18's "Must show" bounds on the suite's rows: regret of Default and Auto per row and per seed, their
/// mean over all rows, the cost of the decisions, and the advisor's verdicts. Pure: numbers in, verdicts out.
/// </summary>
public static class BenchBounds
{
    /// <summary>Default's mean regret per row may be at most this many points.</summary>
    public const double DefaultRowRegret = 1.0;

    /// <summary>Auto's mean regret per row may be at most this many points.</summary>
    public const double AutoRowRegret = 0.5;

    /// <summary>No single seed of Default or Auto may fall more than this many points below the best fixed strategy of that seed.</summary>
    public const double SeedRegret = 3.0;

    /// <summary>Default's mean regret over all rows may be at most this many points.</summary>
    public const double DefaultOverallRegret = 0.5;

    /// <summary>Auto's mean regret over all rows may be at most this many points.</summary>
    public const double AutoOverallRegret = 0.3;

    /// <summary>The cost bounds apply in full from this many examples per class.</summary>
    public const int LargeSize = 100;

    /// <summary>The advisor's "helps" bound applies from this many examples per class.</summary>
    public const int AdvisorMinSize = 30;

    /// <summary>Checks every bound on <paramref name="setups"/>' rows.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="setups"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<BoundCheck> Check(IReadOnlyList<BenchSetupResult> setups)
    {
        ArgumentNullException.ThrowIfNull(setups);
        var rows = setups.SelectMany(s => s.Rows.Select(r => (Where: Where(s, r), Row: r))).ToList();
        var large = rows.Where(r => r.Row.Size >= LargeSize).ToList();
        var gains = rows.Where(r => r.Row.Size >= AdvisorMinSize && r.Row.TransferGain >= 2).ToList();
        var losses = rows.Where(r => r.Row.TransferGain <= -2).ToList();
        return
        [
            PerRow($"Default ≥ best fixed − {DefaultRowRegret:F1} point (row mean)", rows, r => r.MeanRegretOf(BenchRow.DefaultArm), DefaultRowRegret, "points"),
            PerRow($"Auto ≥ best fixed − {AutoRowRegret:F1} point (row mean)", rows, r => r.MeanRegretOf(BenchRow.AutoArm), AutoRowRegret, "points"),
            PerRow($"no seed of Default below best fixed − {SeedRegret:F0} points", rows, r => r.SeedRegretOf(BenchRow.DefaultArm).Max(), SeedRegret, "points"),
            PerRow($"no seed of Auto below best fixed − {SeedRegret:F0} points", rows, r => r.SeedRegretOf(BenchRow.AutoArm).Max(), SeedRegret, "points"),
            Overall($"mean regret of Default over all rows ≤ {DefaultOverallRegret:F1} point", rows, BenchRow.DefaultArm, DefaultOverallRegret),
            Overall($"mean regret of Auto over all rows ≤ {AutoOverallRegret:F1} point", rows, BenchRow.AutoArm, AutoOverallRegret),
            PerRow($"Default's decision ≤ 0.5 × one FromScratch training (N ≥ {LargeSize})", large, r => r.DefaultCost, 0.5, "×"),
            AutoCost(rows),
            Advisor(
                $"advisor says \"helps\" on ≥ 80 % of the seeds where the best transfer beats FromScratch by ≥ 2 points (N ≥ {AdvisorMinSize})",
                gains,
                r => r.AdvisorHelps.Count(h => h == true) >= 0.8 * r.AdvisorHelps.Count),
            Advisor("advisor never says \"helps\" where FromScratch wins by ≥ 2 points", losses, r => !r.AdvisorHelps.Contains(true)),
        ];
    }

    /// <summary>At most this many "helps" in 20 on random-label and on random-value targets.</summary>
    public const int NullHelpsPer20 = 1;

    /// <summary>Checks the advisor's bound on random targets: at most <see cref="NullHelpsPer20"/> "helps" in 20 draws of each kind.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="checks"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<BoundCheck> CheckNulls(IReadOnlyList<BenchNullCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return [.. checks.GroupBy(c => c.Kind).Select(kind =>
        {
            int draws = kind.Sum(c => c.Draws);
            int helps = kind.Sum(c => c.Helps);
            bool holds = helps * 20 <= NullHelpsPer20 * draws;
            IReadOnlyList<string> breaks = holds ? [] : [string.Create(CultureInfo.InvariantCulture, $"\"helps\" on {helps} of {draws} draws")];
            return new BoundCheck($"advisor on {kind.Key} targets: at most {NullHelpsPer20} \"helps\" in 20", draws == 0 ? null : holds, draws, breaks);
        })];
    }

    /// <summary>The mean of Default's (or Auto's) row regrets over all rows, in points.</summary>
    public static double MeanRegret(IEnumerable<BenchRow> rows, string arm) => rows.Select(r => r.MeanRegretOf(arm)).DefaultIfEmpty(double.NaN).Average();

    private static string Where(BenchSetupResult setup, BenchRow row) => string.Create(CultureInfo.InvariantCulture, $"{setup.Name} N={row.Size}");

    private static BoundCheck PerRow(string bound, List<(string Where, BenchRow Row)> rows, Func<BenchRow, double> value, double limit, string unit)
    {
        var breaks = rows
            .Select(r => (r.Where, Value: value(r.Row)))
            .Where(r => !(r.Value <= limit))
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Where}: {r.Value:F1} {unit}"))
            .ToList();
        return new BoundCheck(bound, rows.Count == 0 ? null : breaks.Count == 0, rows.Count, breaks);
    }

    private static BoundCheck Overall(string bound, List<(string Where, BenchRow Row)> rows, string arm, double limit)
    {
        double mean = MeanRegret(rows.Select(r => r.Row), arm);
        IReadOnlyList<string> breaks = mean <= limit ? [] : [string.Create(CultureInfo.InvariantCulture, $"all {rows.Count} rows: {mean:F2} points")];
        return new BoundCheck(bound, rows.Count == 0 ? null : breaks.Count == 0, rows.Count, breaks);
    }

    // Auto's whole transfer against the slowest fixed strategy's training: ≤ 2× from N = 100, ≤ 2× + 1 s below.
    private static BoundCheck AutoCost(List<(string Where, BenchRow Row)> rows)
    {
        var breaks = new List<string>();
        foreach (var (where, row) in rows)
        {
            double allowed = (2 * row.SlowestFixedSeconds) + (row.Size >= LargeSize ? 0 : 1);
            double spent = row[BenchRow.AutoArm].MeanTotalSeconds;
            if (!(spent <= allowed))
            {
                breaks.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: {spent:F1} s against {allowed:F1} s allowed ({row.AutoCost:F1} ×)"));
            }
        }

        return new BoundCheck($"Auto (decision + final training) ≤ 2 × the slowest fixed strategy (N ≥ {LargeSize}; + 1 s below)", rows.Count == 0 ? null : breaks.Count == 0, rows.Count, breaks);
    }

    private static BoundCheck Advisor(string bound, List<(string Where, BenchRow Row)> rows, Func<BenchRow, bool> holds)
    {
        var breaks = rows
            .Where(r => !holds(r.Row))
            .Select(r => string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Where}: gain {r.Row.TransferGain:+0.0;−0.0} points, \"helps\" on {r.Row.AdvisorHelps.Count(h => h == true)} of {r.Row.AdvisorHelps.Count} seeds"))
            .ToList();
        return new BoundCheck(bound, rows.Count == 0 ? null : breaks.Count == 0, rows.Count, breaks);
    }
}
