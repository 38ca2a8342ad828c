using System.Diagnostics;
using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Samples;

/// <summary>
/// The experiment TransferLab and WhenTransferHurts run: pretrain once on the source with all its training
/// examples, then at each target size N train every column on N examples per class (one sample per seed,
/// the same for every column) and measure test accuracy on all of the target's test examples; ask the
/// advisor about each size. The samples print it; the tests call it.
/// </summary>
public static class StrategyComparison
{
    /// <summary>Runs the experiment on <paramref name="setup"/>.</summary>
    public static ComparisonResult Run(
        ComparisonSetup setup,
        ComparisonOptions options,
        IProgress<ExperimentStep>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(options);
        int available = setup.TargetPool.CountPerClass().Min();
        if (options.PerClass.Max() > available)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Expected target sizes of at most {available} per class (the smallest class of the target's pool) but got {options.PerClass.Max()}."),
                nameof(options));
        }

        var clock = Stopwatch.StartNew();
        int total = 1 + (options.PerClass.Count * ((options.Seeds * options.Arms.Count) + (options.Advise ? 1 : 0)));
        int done = 0;
        void Step(string description) => progress?.Report(new ExperimentStep(description, done++, total));

        Step(string.Create(CultureInfo.InvariantCulture, $"pretraining on {setup.Source.Count:N0} source examples"));
        var pipeline = new TransferPipeline();
        var pretrained = pipeline.Pretrain(Architecture(setup), setup.Source, setup.Pretraining, cancellationToken: cancellationToken);
        double sourceAccuracy = pretrained.Network.Evaluate(setup.SourceTest).Accuracy ?? double.NaN;

        var rows = new List<ComparisonRow>();
        foreach (int n in options.PerClass)
        {
            var samples = Enumerable.Range(0, options.Seeds).Select(seed => Sample(setup, n, seed)).ToArray();
            AdviceSummary? advice = null;
            if (options.Advise)
            {
                Step(string.Create(CultureInfo.InvariantCulture, $"N = {n}: the advisor"));
                advice = Summarise(new TransferAdvisor().Advise(pretrained, samples[0], cancellationToken));
            }

            // Test accuracy of each strategy trained on each seed's sample. A column whose policy chooses a
            // strategy already trained on that sample reuses its network's score: training is deterministic
            // (same pretrained network, sample, options and strategy → the same weights), so the column shows
            // what TransferPipeline.Transfer with that policy would give, without training it twice.
            var trained = new Dictionary<(TransferStrategy Strategy, int Seed), double>();
            var arms = new List<ArmResult>();
            foreach (var arm in options.Arms)
            {
                var accuracies = new double[options.Seeds];
                var chosen = new string[options.Seeds];
                IReadOnlyList<string> reasons = [];
                for (int seed = 0; seed < options.Seeds; seed++)
                {
                    Step(string.Create(CultureInfo.InvariantCulture, $"N = {n}, seed {seed}: {arm.Name}"));
                    var transferOptions = new TransferOptions
                    {
                        Policy = arm.Policy,
                        Seed = seed,
                        Training = options.TrainingFor(samples[seed].Count, seed),
                    };
                    var decision = pipeline.Decide(pretrained, samples[seed], transferOptions, cancellationToken);
                    if (!trained.TryGetValue((decision.Strategy, seed), out double accuracy))
                    {
                        var fixedOptions = transferOptions with { Policy = TransferPolicy.Fixed(decision.Strategy) };
                        var network = pipeline.Transfer(pretrained, samples[seed], fixedOptions, cancellationToken: cancellationToken).Network;
                        accuracy = network.Evaluate(setup.TargetTest).Accuracy ?? double.NaN;
                        trained[(decision.Strategy, seed)] = accuracy;
                    }

                    accuracies[seed] = accuracy;
                    chosen[seed] = decision.Strategy.ToString();
                    if (seed == 0)
                    {
                        reasons = [.. decision.Reasons.Select(r => r.Text)];
                    }
                }

                arms.Add(new ArmResult(arm.Name, arm.Decides, accuracies, chosen, reasons));
            }

            rows.Add(new ComparisonRow(n, samples[0].Count, arms, advice));
        }

        progress?.Report(new ExperimentStep("done", total, total));
        return new ComparisonResult(setup.Name, setup.Title, setup.Data, setup.Source.Count, sourceAccuracy, setup.TargetTest.Count, rows, clock.Elapsed);
    }

    /// <summary>The network both tasks use: the set-up's hidden ReLU layers, then softmax over the source's classes.</summary>
    public static Network Architecture(ComparisonSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var network = Network.Create(setup.Source.FeatureCount, seed: 0);
        foreach (int units in setup.HiddenUnits)
        {
            network.Dense(units, Activation.ReLU);
        }

        return network.Dense(setup.Source.ClassCount, Activation.Softmax);
    }

    /// <summary>The target sample of <paramref name="seed"/> at <paramref name="perClass"/> examples per class: the same for every column, so columns differ only in how they train.</summary>
    public static Dataset Sample(ComparisonSetup setup, int perClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return setup.TargetPool.TakePerClass(perClass, 1_000 + seed);
    }

    private static AdviceSummary Summarise(TransferAdvice advice) =>
        new(advice.MakesSense, advice.FeaturesHelp.Holds, advice.FeaturesHelp.Evidence, advice.ToString());
}
