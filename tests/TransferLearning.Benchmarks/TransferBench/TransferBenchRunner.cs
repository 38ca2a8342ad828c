using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.TransferBench;

// `transferbench [--quick] [--out DIR] [--setup NAME]... [--size N]... [--reuse RUN.json [--only default|auto|advisor]]` (or `--render RUN.json`: its
// Markdown again): issue 18's suite of transfer decisions on Fashion-MNIST. `--reuse` takes the fixed strategies' scores and
// times from an earlier run of the same sizes and seeds (training is deterministic, so they are the same networks) and
// trains only what a policy picks that the file lacks; `--only` also takes the other policy's column and the advisor's
// verdicts from it (`--only advisor`: both policies' columns): for iterating on one policy in minutes. A final table is a run without them.
// Every row: the five fixed strategies, DataSizePolicy.Default and Auto, on the user's metric over all the target's
// test examples, their regret, the picks, the decisions' cost and the advisor's verdict; written as Markdown and
// JSON after each set-up (marked partial until the last).
public static class TransferBenchRunner
{
    private static readonly TransferStrategy[] Strategies =
        [TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1), TransferStrategy.FullFineTune, TransferStrategy.TwoPhase];

    // As SampleKit's JsonReport writes it.
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static int Run(ReadOnlySpan<string> args)
    {
        bool quick = false;
        string folder = ".";
        var only = new List<string>();
        var sizes = new List<int>();
        BenchRun? reuse = null;
        string? onlyPolicy = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--out" when i + 1 < args.Length:
                    folder = args[++i];
                    break;
                case "--setup" when i + 1 < args.Length:
                    only.Add(args[++i]);
                    break;
                case "--size" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int size):
                    sizes.Add(size);
                    i++;
                    break;
                case "--reuse" when i + 1 < args.Length:
                    reuse = JsonSerializer.Deserialize<BenchRun>(File.ReadAllText(args[++i]), JsonOptions);
                    break;
                case "--only" when i + 1 < args.Length:
                    onlyPolicy = args[++i];
                    break;
                case "--render" when i + 1 < args.Length:
                    return Render(args[++i]);
                default:
                    Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: transferbench [--quick] [--out DIR] [--setup NAME]... [--size N]... [--reuse RUN.json [--only default|auto|advisor]] | transferbench --render RUN.json");
                    return 2;
            }
        }

        if (FashionMnistFolders.Find() is null)
        {
            Console.Error.WriteLine("TransferBench needs the full Fashion-MNIST: apt-get install dataset-fashion-mnist, or set FASHION_MNIST_DIR.");
            return 2;
        }

        bool Wanted(int size) => sizes.Count == 0 || sizes.Contains(size);
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var images = FashionMnistImages.From(FashionMnistFolders.Load());
        int pretrainEpochs = 10;
        var setups = BenchSetups.All(images, pretrainEpochs).Where(s => only.Count == 0 || only.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (setups.Count == 0)
        {
            Console.Error.WriteLine($"No set-up matches. Known: {string.Join(", ", BenchSetups.All(images, pretrainEpochs).Select(s => s.Name))}.");
            return 2;
        }

        var training = new ComparisonOptions { Seeds = quick ? 2 : 3 };
        var settings = new BenchSettings(
            quick,
            training.Seeds,
            pretrainEpochs,
            training.BatchSize,
            training.Steps,
            training.MinEpochs,
            training.MaxEpochs,
            [.. setups.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name}: {string.Join(", ", Sizes(s, quick).Where(Wanted))} {s.SizeUnit}"))],
            [
                "every target run: Adam 1e-3, cosine decay to 0, the same budget for every column (ComparisonOptions.TrainingFor, as TransferLab)",
                "sizes of 1,000 per class or more (the detector: 300 positives, 6,300 examples): one seed",
                "Auto and DataSizePolicy.Default with the library's defaults; the chosen strategy's score and training time are those of the same fixed strategy on the same seed (training is deterministic)",
                quick ? "quick: 2 seeds (not 3) and fewer sizes (10 and 100 per class; the detector 25 positives); the same training budget and pretraining as the full run" : "full run",
                .. reuse is null
                    ? Array.Empty<string>()
                    : [string.Create(CultureInfo.InvariantCulture, $"the fixed strategies' scores and training times are those of the run of {reuse.Started:yyyy-MM-dd HH:mm} UTC (--reuse; training is deterministic and its code unchanged){(onlyPolicy is null ? "; Default, Auto and the advisor ran in this one" : $"; only {onlyPolicy} ran in this one")}")],
            ]);
        string name = quick ? "transferbench-quick" : "transferbench";
        Console.WriteLine($"TransferBench{(quick ? " (quick)" : string.Empty)}: {setups.Count} set-ups, {Cpu()}, output {Path.Combine(folder, name)}.md/.json");

        var pipeline = new TransferPipeline();
        var pretrainedBySource = new Dictionary<Dataset, PretrainedNetwork>(ReferenceEqualityComparer.Instance);
        var results = new List<BenchSetupResult>();
        foreach (var setup in setups)
        {
            var comparison = setup.Comparison;
            if (!pretrainedBySource.TryGetValue(comparison.Source, out var pretrained))
            {
                Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] pretraining on {comparison.Source.Count:N0} source examples");
                pretrained = pipeline.Pretrain(StrategyComparison.Architecture(comparison), comparison.Source, comparison.Pretraining);
                pretrainedBySource[comparison.Source] = pretrained;
            }

            double sourceAccuracy = pretrained.Network.Report(comparison.SourceTest).Classification!.Accuracy;
            var notes = setup.Notes?.Invoke() ?? [];
            foreach (string note in notes)
            {
                Console.WriteLine($"  {setup.Name}: {note}");
            }

            var rows = Sizes(setup, quick).Where(Wanted).Select(size => Row(pipeline, pretrained, setup, size, size >= setup.OneSeedFrom ? 1 : training.Seeds, training, clock, Reused(reuse, setup.Name, size), onlyPolicy)).ToList();
            results.Add(new BenchSetupResult(setup.Name, comparison.Title, setup.Metric, setup.SizeUnit, comparison.Source.Count, sourceAccuracy, setup.Test.Count, notes, rows));
            Write(new BenchRun(started, Cpu(), Runtime(), settings, false, clock.Elapsed.TotalSeconds, [.. results]));
        }

        // The advisor on random targets: the helpful set-up's body and images (skipped when --setup leaves helpful out).
        IReadOnlyList<BenchNullCheck>? nulls = null;
        if (onlyPolicy is not null && !onlyPolicy.Equals("advisor", StringComparison.OrdinalIgnoreCase) && reuse?.NullChecks is { } earlierNulls)
        {
            nulls = earlierNulls;
        }
        else if (setups.FirstOrDefault(s => s.Name == "helpful") is { } helpfulSetup)
        {
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] the advisor on random-label and random-value targets");
            nulls = BenchNullCheck.Run(pretrainedBySource[helpfulSetup.Comparison.Source], helpfulSetup.Comparison, Console.WriteLine);
        }

        var final = new BenchRun(started, Cpu(), Runtime(), settings, true, clock.Elapsed.TotalSeconds, [.. results], nulls);
        Write(final);
        Console.WriteLine(BenchMarkdown.Summary(final));
        return 0;

        void Write(BenchRun run)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, name + ".md"), BenchMarkdown.Format(run));
            JsonReport.Write(Path.Combine(folder, name + ".json"), run);
        }
    }

    // Writes the Markdown of a run's JSON again, next to it (after a change to the table's format, without running again).
    private static int Render(string jsonPath)
    {
        var run = JsonSerializer.Deserialize<BenchRun>(File.ReadAllText(jsonPath), JsonOptions) ?? throw new InvalidDataException($"Expected a TransferBench run in '{jsonPath}' but it holds null.");
        string markdown = Path.ChangeExtension(jsonPath, ".md");
        File.WriteAllText(markdown, BenchMarkdown.Format(run));
        Console.WriteLine($"{markdown}: {run.Setups.Sum(s => s.Rows.Count)} rows of {run.Setups.Count} set-ups");
        return 0;
    }

    // The row of an earlier run at this set-up and size, if any.
    private static BenchRow? Reused(BenchRun? run, string setup, int size) =>
        run?.Setups.FirstOrDefault(s => s.Name == setup)?.Rows.FirstOrDefault(r => r.Size == size);

    private static IReadOnlyList<int> Sizes(BenchSetup setup, bool quick) => quick ? setup.QuickSizes : setup.Sizes;

    private static BenchRow Row(TransferPipeline pipeline, PretrainedNetwork pretrained, BenchSetup setup, int size, int seeds, ComparisonOptions training, Stopwatch clock, BenchRow? reuse, string? onlyPolicy)
    {
        // An earlier run's column on a seed, when it has it.
        BenchArm? Earlier(string arm, int seed) =>
            reuse?.Arms.FirstOrDefault(a => a.Name == arm) is { } found && seed < found.Scores.Count ? found : null;
        var fixedScores = Strategies.ToDictionary(s => s.ToString(), _ => new double[seeds]);
        var fixedSeconds = Strategies.ToDictionary(s => s.ToString(), _ => new double[seeds]);
        var policies = new (string Name, TransferPolicy Policy)[] { (BenchRow.DefaultArm, DataSizePolicy.Default), (BenchRow.AutoArm, TransferPolicy.Auto()) };
        var decided = policies.ToDictionary(p => p.Name, _ => (Scores: new double[seeds], Chosen: new string[seeds], Train: new double[seeds], Decide: new double[seeds]));
        var helps = new bool?[seeds];
        var rawProbe = new double[seeds];
        int count = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            var target = setup.Draw(size, seed);
            count = seed == 0 ? target.Count : count;
            Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {setup.Name} N={size} ({target.Count:N0} examples), seed {seed}");
            var options = new TransferOptions { NewLayers = setup.NewLayers, Seed = seed, Training = training.TrainingFor(target.Count, seed), Metric = setup.DecideOn };

            // Every fixed strategy, timed from the call to the trained network; then scored on all test examples.
            var trained = new Dictionary<string, (double Score, double Seconds)>();
            (double Score, double Seconds) Train(TransferStrategy strategy)
            {
                string key = strategy.ToString();
                if (!trained.TryGetValue(key, out var result) && Earlier(key, seed) is { } earlier)
                {
                    result = (earlier.Scores[seed], earlier.TrainSeconds[seed]);
                    trained[key] = result;
                }
                else if (!trained.ContainsKey(key))
                {
                    var watch = Stopwatch.StartNew();
                    var network = pipeline.Transfer(pretrained, target, options with { Policy = TransferPolicy.Fixed(strategy) }).Network;
                    double seconds = watch.Elapsed.TotalSeconds;
                    result = (setup.Score(network, seed), seconds);
                    trained[key] = result;
                }

                return result;
            }

            foreach (var strategy in Strategies)
            {
                (fixedScores[strategy.ToString()][seed], fixedSeconds[strategy.ToString()][seed]) = Train(strategy);
            }

            // Default and Auto: the decision timed alone; the chosen strategy's training is the fixed column's (the
            // same network: same pretrained body, sample, options and strategy).
            foreach (var (policyName, policy) in policies)
            {
                if (onlyPolicy is not null && !policyName.Equals(onlyPolicy, StringComparison.OrdinalIgnoreCase) && Earlier(policyName, seed) is { } earlier)
                {
                    var kept = decided[policyName];
                    (kept.Scores[seed], kept.Chosen[seed], kept.Train[seed], kept.Decide[seed]) = (earlier.Scores[seed], earlier.Chosen[seed], earlier.TrainSeconds[seed], earlier.DecideSeconds[seed]);
                    continue;
                }

                var watch = Stopwatch.StartNew();
                var decision = pipeline.Decide(pretrained, target, options with { Policy = policy });
                var arm = decided[policyName];
                arm.Decide[seed] = watch.Elapsed.TotalSeconds;
                arm.Chosen[seed] = decision.Strategy.ToString();
                if (Environment.GetEnvironmentVariable("TRANSFERBENCH_REASONS") == "1")
                {
                    Console.WriteLine($"    {policyName}: {decision.ToString().Replace("\n", "\n      ", StringComparison.Ordinal)}");
                }

                (arm.Scores[seed], arm.Train[seed]) = Train(decision.Strategy);
            }

            if (onlyPolicy is not null && !onlyPolicy.Equals("advisor", StringComparison.OrdinalIgnoreCase) && reuse is not null && seed < reuse.AdvisorHelps.Count)
            {
                (helps[seed], rawProbe[seed]) = (reuse.AdvisorHelps[seed], reuse.RawProbe[seed]);
            }
            else
            {
                var advice = new TransferAdvisor().Advise(pretrained, target);
                helps[seed] = advice.FeaturesHelp.Holds;
                if (Environment.GetEnvironmentVariable("TRANSFERBENCH_REASONS") == "1")
                {
                    Console.WriteLine($"    advisor: {advice.FeaturesHelp.Reason.Text}");
                }

                rawProbe[seed] = advice.Probes.FirstOrDefault(p => p.Layer == -1)?.Score ?? double.NaN;
            }
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"    {string.Join("  ", trained.Select(t => $"{t.Key} {t.Value.Score:F3}"))} | Default → {decided[BenchRow.DefaultArm].Chosen[seed]} ({decided[BenchRow.DefaultArm].Decide[seed]:F1} s), Auto → {decided[BenchRow.AutoArm].Chosen[seed]} ({decided[BenchRow.AutoArm].Decide[seed]:F1} s), advisor {helps[seed]}"));
        }

        List<BenchArm> arms = [.. Strategies.Select(s => s.ToString()).Select(s => new BenchArm(s, false, fixedScores[s], [.. Enumerable.Repeat(s, seeds)], fixedSeconds[s], []))];
        arms.AddRange(policies.Select(p => new BenchArm(p.Name, true, decided[p.Name].Scores, decided[p.Name].Chosen, decided[p.Name].Train, decided[p.Name].Decide)));
        return new BenchRow(size, count, arms, helps, rawProbe);
    }

    private static string Cpu()
    {
        string model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return string.Create(CultureInfo.InvariantCulture, $"{model}, {Environment.ProcessorCount} cores");
    }

    private static string Runtime() => $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}";
}
