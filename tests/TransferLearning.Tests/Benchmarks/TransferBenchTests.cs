using TransferLearning.Benchmarks.TransferBench;

namespace TransferLearning.Tests.Benchmarks;

/// <summary>The suite's pure parts: regret, the "Must show" bounds and the Markdown table, on hand-made rows.</summary>
public class TransferBenchTests
{
    [Fact]
    public void Regret_IsBestFixedMinusScore_InPoints_AgainstTheMeanPerRow_AndTheSeedsOwnBestPerSeed()
    {
        // Best fixed: HeadOnly, mean 0.80. Default picked S then H: 0.70 and 0.80 → mean regret 5 points.
        var row = Row(size: 10, scratch: [0.70, 0.70], head: [0.78, 0.82], @default: [0.70, 0.80], auto: [0.80, 0.80]);

        row.Best.Should().Be("HeadOnly");
        // A seed is measured against its own best fixed strategy (HeadOnly: 0.78, then 0.82), the row against the best mean (0.80).
        row.SeedRegretOf(BenchRow.DefaultArm).Should().Equal([8.0, 2.0], (a, b) => Math.Abs(a - b) < 1e-9);
        row.MeanRegretOf(BenchRow.DefaultArm).Should().BeApproximately(5.0, 1e-9);
        row.SeedRegretOf("HeadOnly").Should().Equal([0.0, 0.0], (a, b) => Math.Abs(a - b) < 1e-9);
        row.MeanRegretOf(BenchRow.AutoArm).Should().BeApproximately(0.0, 1e-9);
        row.TransferGain.Should().BeApproximately(10.0, 1e-9);
    }

    [Fact]
    public void BestFixed_IgnoresTheDecidingColumns_EvenWhenOneScoresHigher()
    {
        // Auto scores 0.90 on both seeds (a lucky pick cannot exist, but the table must not take it as the best).
        var row = Row(size: 10, scratch: [0.70, 0.70], head: [0.80, 0.80], @default: [0.70, 0.70], auto: [0.90, 0.90]);

        row.Best.Should().Be("HeadOnly");
        row.MeanRegretOf(BenchRow.AutoArm).Should().BeApproximately(-10.0, 1e-9);
    }

    [Fact]
    public void Bounds_NameTheRowsThatBreakThem_AndTheOnesThatHold()
    {
        var good = Row(size: 100, scratch: [0.80, 0.80], head: [0.90, 0.90], @default: [0.90, 0.90], auto: [0.90, 0.90]);
        var bad = Row(size: 10, scratch: [0.80, 0.80], head: [0.90, 0.90], @default: [0.80, 0.90], auto: [0.896, 0.896]);
        var checks = BenchBounds.Check([Setup("helpful", good, bad)]);

        var defaultRow = Find(checks, "Default ≥ best fixed − 1.0");
        defaultRow.Holds.Should().BeFalse();
        defaultRow.Checked.Should().Be(2);
        defaultRow.Breaks.Should().ContainSingle().Which.Should().StartWith("helpful N=10: 5.0");

        // Auto: 0.4 points under the best on every seed of the bad row — inside 0.5 and 3.
        Find(checks, "Auto ≥ best fixed − 0.5").Holds.Should().BeTrue();
        Find(checks, "no seed of Default").Breaks.Should().ContainSingle().Which.Should().StartWith("helpful N=10: 10.0");
        Find(checks, "no seed of Auto").Holds.Should().BeTrue();
        Find(checks, "mean regret of Default").Breaks.Should().ContainSingle().Which.Should().Contain("2.50");
        Find(checks, "mean regret of Auto").Holds.Should().BeTrue("0 and 0.4 points make 0.2, within 0.3");
    }

    [Fact]
    public void CostBounds_DefaultAgainstFromScratchFromN100_AutoAgainstTheSlowestFixedPlusOneSecondBelow()
    {
        // N = 100: FromScratch trains in 4 s; Default decides in 3 s (0.75 ×, over 0.5); Auto spends 9 s against 2 × 4 s.
        var large = Row(size: 100, scratch: [0.8], head: [0.9], @default: [0.9], auto: [0.9], scratchSeconds: 4, defaultDecide: 3, autoDecide: 8.5, autoTrain: 0.5);

        // N = 10: FromScratch 1 s; Auto 2.5 s ≤ 2 × 1 + 1; Default's decision is not bound below N = 100.
        var small = Row(size: 10, scratch: [0.8], head: [0.9], @default: [0.9], auto: [0.9], scratchSeconds: 1, defaultDecide: 5, autoDecide: 2, autoTrain: 0.5);
        var checks = BenchBounds.Check([Setup("unrelated", large, small)]);

        large.DefaultCost.Should().BeApproximately(0.75, 1e-9);
        var decide = Find(checks, "Default's decision");
        decide.Checked.Should().Be(1);
        decide.Breaks.Should().ContainSingle().Which.Should().StartWith("unrelated N=100: 0.8 ×");
        var auto = Find(checks, "Auto (decision");
        auto.Checked.Should().Be(2);
        auto.Breaks.Should().ContainSingle().Which.Should().StartWith("unrelated N=100: 9.0 s against 8.0 s");
    }

    [Fact]
    public void AdvisorBounds_HelpsOn80PercentWhereTransferWinsFrom30_NeverWhereFromScratchWins()
    {
        var wins = Row(size: 30, scratch: [0.80, 0.80, 0.80], head: [0.85, 0.85, 0.85], @default: [0.85, 0.85, 0.85], auto: [0.85, 0.85, 0.85], helps: [true, false, true]);
        var winsSmall = Row(size: 10, scratch: [0.80, 0.80, 0.80], head: [0.85, 0.85, 0.85], @default: [0.85, 0.85, 0.85], auto: [0.85, 0.85, 0.85], helps: [false, false, false]);
        var loses = Row(size: 100, scratch: [0.90, 0.90, 0.90], head: [0.80, 0.80, 0.80], @default: [0.90, 0.90, 0.90], auto: [0.90, 0.90, 0.90], helps: [false, null, true]);
        var checks = BenchBounds.Check([Setup("ceiling", wins, winsSmall, loses)]);

        var helps = Find(checks, "advisor says");
        helps.Checked.Should().Be(1);
        helps.Breaks.Should().ContainSingle().Which.Should().Be("ceiling N=30: gain +5.0 points, \"helps\" on 2 of 3 seeds");
        var never = Find(checks, "advisor never");
        never.Checked.Should().Be(1);
        never.Breaks.Should().ContainSingle().Which.Should().StartWith("ceiling N=100: gain −10.0 points");
    }

    [Fact]
    public void Bounds_WithoutRowsOfTheirKind_AreNotChecked_NotPassed()
    {
        var checks = BenchBounds.Check([Setup("helpful", Row(size: 10, scratch: [0.8], head: [0.9], @default: [0.9], auto: [0.9]))]);

        var decide = Find(checks, "Default's decision");
        decide.Holds.Should().BeNull();
        decide.Verdict.Should().Be("not checked (no such row)");
    }

    [Fact]
    public void Markdown_ShowsTheBestInBold_PicksRegretAndCost_PartialRuns_AndTheBoundsVerdicts()
    {
        var row = Row(size: 10, scratch: [0.70, 0.70], head: [0.78, 0.82], @default: [0.70, 0.80], auto: [0.80, 0.80], helps: [true, null]);
        var run = Run(complete: false, Setup("helpful", row));

        string md = BenchMarkdown.Format(run);

        md.Should().Contain("PARTIAL");
        md.Should().Contain("AMD EPYC test CPU, 2 cores");
        md.Should().Contain("| 10 | 70 | 2 | 0.700 | **0.800** | 0.600 | 0.600 | 0.600 | 0.750 | 0.800 | S/H | H/H | 5.0 [8.0, 2.0] | 0.0 [−2.0, 2.0] | ");
        md.Should().Contain("| y? |");
        md.Should().Contain("\n|---" + string.Concat(Enumerable.Repeat("|---", 17)) + "|\n", "the separator has one cell per header cell (18)");
        md.Should().Contain("| **does NOT hold** | 1 | helpful N=10: 5.0 points |");
        md.Should().Contain("| **all** | | 1 | **5.00** | **0.00** | 8.0 | 2.0 |", "a seed's regret is against that seed's best fixed strategy (0.78, then 0.82)");
        md.Should().Contain("Worst single-seed regret: 8.0 points at helpful N=10 seed 0 (Default)");
        BenchMarkdown.Format(Run(complete: true, Setup("helpful", row))).Should().NotContain("PARTIAL");
    }

    [Fact]
    public void Markdown_ShowsEverySeedsRegretWithOneDecimal()
    {
        // Three seeds: 10, 0 and 5 points (the third seed's once came out with two decimals).
        var row = Row(size: 10, scratch: [0.70, 0.70, 0.70], head: [0.80, 0.80, 0.80], @default: [0.70, 0.80, 0.75], auto: [0.80, 0.80, 0.80]);

        BenchMarkdown.Format(Run(complete: true, Setup("helpful", row))).Should().Contain("| 5.0 [10.0, 0.0, 5.0] |");
    }

    [Theory]
    [InlineData(1.25, "1.3")]
    [InlineData(-0.4, "−0.4")]
    [InlineData(0.0, "0.0")]
    public void Points_OneDecimal_TypographicMinus(double points, string expected) =>
        BenchMarkdown.Points(points).Should().Be(expected);

    private static BoundCheck Find(IEnumerable<BoundCheck> checks, string start) => checks.Single(c => c.Bound.StartsWith(start, StringComparison.Ordinal));

    private static BenchSetupResult Setup(string name, params BenchRow[] rows) =>
        new(name, name + " title", "accuracy", "per class", 40_000, 0.9, 5_000, [], rows);

    private static BenchRun Run(bool complete, params BenchSetupResult[] setups) =>
        new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), "AMD EPYC test CPU, 2 cores", ".NET test", new BenchSettings(true, 2, 10, 16, 400, 20, 200, ["helpful: 10 per class"], ["a note"]), complete, 60, setups);

    // A row with FromScratch, HeadOnly and three other fixed strategies at 0.60, then Default and Auto with their scores;
    // Default's and Auto's picks are the fixed column whose score they equal on that seed (S when none).
    private static BenchRow Row(
        int size,
        double[] scratch,
        double[] head,
        double[] @default,
        double[] auto,
        bool?[]? helps = null,
        double scratchSeconds = 1,
        double defaultDecide = 0.1,
        double autoDecide = 1,
        double autoTrain = 1)
    {
        int seeds = scratch.Length;
        double[] Each(double value) => [.. Enumerable.Repeat(value, seeds)];
        string[] Picks(double[] scores) => [.. scores.Select((s, i) => s == head[i] || (s != scratch[i] && s >= 0.8) ? "HeadOnly" : "FromScratch")];
        BenchArm Fixed(string name, double[] scores, double seconds) => new(name, false, scores, [.. Enumerable.Repeat(name, seeds)], Each(seconds), []);
        return new BenchRow(
            size,
            size * 7,
            [
                Fixed("FromScratch", scratch, scratchSeconds),
                Fixed("HeadOnly", head, 0.2),
                Fixed("LastLayers(1)", Each(0.6), 0.5),
                Fixed("FullFineTune", Each(0.6), scratchSeconds),
                Fixed("TwoPhase", Each(0.6), scratchSeconds),
                new BenchArm(BenchRow.DefaultArm, true, @default, Picks(@default), Each(1), Each(defaultDecide)),
                new BenchArm(BenchRow.AutoArm, true, auto, Picks(auto), Each(autoTrain), Each(autoDecide)),
            ],
            helps ?? [.. Enumerable.Repeat<bool?>(false, seeds)],
            Each(0.5));
    }
}
