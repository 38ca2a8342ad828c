using System.Diagnostics;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>
/// Measures the candidate strategies on held-out target data by successive halving and picks the best,
/// keeping FromScratch unless a transfer strategy beats it by more than the noise.
/// </summary>
/// <remarks>
/// <para>The target is cut into <see cref="AutoSelectionOptions.Folds"/> stratified parts; the first is held out.</para>
/// <list type="number">
/// <item>Rung 0: every candidate trains on the rest for <see cref="AutoSelectionOptions.FirstRungEpochFraction"/>
/// of the epochs and is scored on the held-out part.</item>
/// <item>Rung 1: FromScratch and the <see cref="AutoSelectionOptions.Survivors"/> best other candidates train
/// on to the full epochs (from the rung-0 weights, with a fresh optimiser state, schedule and mini-batch
/// order; L2-SP still anchored to the pretrained values); while fewer than
/// <see cref="AutoSelectionOptions.MinHeldOutExamples"/> examples have been held out, they are also trained
/// in full on the next parts and scored there (small targets: cheap to train, noisy to score).</item>
/// <item>The best survivor replaces FromScratch only if its mean per-example gain on everything held out
/// exceeds <see cref="AutoSelectionOptions.RequiredStandardErrors"/> standard errors; the chosen strategy
/// is then trained on the whole target.</item>
/// </list>
/// <para>
/// Cost, in full trainings of one candidate: about <c>0.8 × f × c</c> for rung 0 (<c>c</c> candidates,
/// <c>f</c> the fraction; the frozen ones cost less), <c>0.8 × (1 − f) × 2</c> for rung 1 and 1 for the
/// final training — about 2.9 with the defaults, against 4 × 5 = 20 for 5-fold cross-validation of 5 candidates.
/// </para>
/// </remarks>
internal sealed class AutoSelectionPolicy(AutoSelectionOptions options) : TransferPolicy
{
    public AutoSelectionOptions Options { get; } = options;

    public override string ToString() => $"Auto({string.Join(", ", Options.Candidates)}; successive halving, 1 of {Options.Folds} parts held out)";

    internal override TransferDecision Choose(TransferContext context)
    {
        var target = context.Target;
        if (target.Count < 2)
        {
#pragma warning disable CA2208 // The argument at fault is the caller's target of TransferPipeline.Transfer, not a parameter of Choose.
            throw new ArgumentException(
                $"Auto holds out part of the target and needs at least 2 target examples but got {target.Count}.", "target");
#pragma warning restore CA2208
        }

        var token = context.CancellationToken;
        var candidates = Candidates(context);
        int folds = Math.Min(Options.Folds, target.Count);
        var splits = target.StratifiedFolds(folds, context.Options.Seed);   // the transfer's one seed
        int epochs = context.Options.EpochsFor(target.Count);
        int firstEpochs = Math.Clamp((int)Math.Round(epochs * Options.FirstRungEpochFraction), 1, epochs);
        // Rung 0 trains every candidate; rung 1 FromScratch and at most Survivors others (fewer when there are fewer).
        int total = candidates.Count + 1 + Math.Min(Options.Survivors, candidates.Count - 1);
        int done = 0;
        void Report(string stage, TransferStrategy strategy) =>
            Options.Progress?.Report(new AutoSelectionProgress { Stage = stage, Strategy = strategy, Completed = ++done, Total = total });

        // Rung 0: every candidate, a short budget, the first held-out part.
        var (train, holdout) = splits[0];
        var runs = new TransferRun[candidates.Count];
        var first = new double[candidates.Count];
        var elapsed = new TimeSpan[candidates.Count];
        for (int c = 0; c < candidates.Count; c++)
        {
            token.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            runs[c] = context.Try(candidates[c]).Train(train, null, firstEpochs, null, token);
            first[c] = Score(runs[c].Network, holdout).Average();
            elapsed[c] += clock.Elapsed;
            Report(Invariant.F($"rung 0 ({firstEpochs} of {epochs} epochs)"), candidates[c]);
        }

        // Rung 1: FromScratch (candidate 0) and the best others, trained on to the full budget.
        var survivors = Enumerable.Repeat(0, 1).Concat(Enumerable.Range(1, candidates.Count - 1).OrderByDescending(c => first[c]).Take(Options.Survivors)).ToArray();
        var perExample = survivors.ToDictionary(c => c, _ => new List<double>());
        int heldOut = 0;
        for (int f = 0; f < folds && (f == 0 || heldOut < Options.MinHeldOutExamples); f++)
        {
            (train, holdout) = splits[f];
            foreach (int c in survivors)
            {
                token.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                var run = f == 0
                    ? (epochs > firstEpochs ? runs[c].TrainMore(train, epochs - firstEpochs, token) : runs[c])
                    : context.Try(candidates[c]).Train(train, null, epochs, null, token);
                perExample[c].AddRange(Score(run.Network, holdout));
                elapsed[c] += clock.Elapsed;
                if (f == 0)
                {
                    Report(Invariant.F($"rung 1 ({epochs} epochs)"), candidates[c]);
                }
            }

            heldOut += holdout.Count;
        }

        string unit = target.IsClassification ? "balanced accuracy" : "−squared error";
        var scores = Enumerable.Range(0, candidates.Count).Select(c =>
        {
            double score = perExample.TryGetValue(c, out var full) ? full.Average() : first[c];
            return new CandidateScore
            {
                Strategy = candidates[c],
                BalancedAccuracy = target.IsClassification ? score : null,
                SquaredError = target.IsClassification ? null : -score,
                Epochs = perExample.ContainsKey(c) ? epochs : firstEpochs,
                Elapsed = elapsed[c],
            };
        }).ToArray();
        var reasons = new List<DecisionReason>
        {
            new()
            {
                Code = DecisionReasonCode.CandidatesMeasured,
                Value = heldOut,
                Text = Invariant.F($"Measured {candidates.Count} strategies by successive halving on {heldOut:N0} held-out target examples: each trained {firstEpochs} epochs on {splits[0].Train.Count:N0} examples and scored on {splits[0].Holdout.Count:N0}; FromScratch and the best {Options.Survivors} other(s) trained on to {epochs} epochs{(heldOut > splits[0].Holdout.Count ? Invariant.F($", also on further parts until {heldOut:N0} examples were held out") : string.Empty)}. Held-out {unit}:"),
            },
        };
        reasons.AddRange(scores.Select(s => new DecisionReason
        {
            Code = DecisionReasonCode.CandidateScored,
            Value = s.BalancedAccuracy ?? s.SquaredError,
            Strategy = s.Strategy,
            Text = s.ToString(),
        }));

        int best = survivors.MaxBy(c => perExample[c].Average());
        if (best != 0)
        {
            var gains = perExample[best].Zip(perExample[0], (a, b) => a - b).ToArray();
            double meanGain = Statistics.Mean(gains);
            double se = Statistics.StandardError(gains);
            double show = target.IsClassification ? 100 : 1;
            string points = target.IsClassification ? "points" : "in squared error";
            double needed = Options.RequiredStandardErrors * se;
            bool withinNoise = meanGain <= needed;
            reasons.Add(new()
            {
                Code = withinNoise ? DecisionReasonCode.GainWithinNoise : DecisionReasonCode.GainBeyondNoise,
                Value = meanGain,
                Threshold = needed,
                Strategy = candidates[best],
                Text = withinNoise
                    ? Invariant.F($"{candidates[best]} beat FromScratch by {meanGain * show:+0.0#;-0.0#} {points} per held-out example, within the noise ({Options.RequiredStandardErrors:G3} × standard error {se * show:0.0#}): keep the baseline.")
                    : Invariant.F($"{candidates[best]} beat FromScratch by {meanGain * show:+0.0#;-0.0#} {points} per held-out example, more than {Options.RequiredStandardErrors:G3} × its standard error ({se * show:0.0#})."),
            });
            best = withinNoise ? 0 : best;
        }

        reasons.Add(new()
        {
            Code = DecisionReasonCode.Chosen,
            Value = target.Count,
            Strategy = candidates[best],
            Text = Invariant.F($"Chosen: {candidates[best]}; trained on all {target.Count:N0} target examples."),
        });
        if (best == 0)
        {
            reasons.Add(new()
            {
                Code = DecisionReasonCode.NoTransferBeatFromScratch,
                Strategy = TransferStrategy.FromScratch,
                Text = "No transfer strategy clearly beat training from scratch: the pretrained network does not measurably help this target, so negative transfer is avoided.",
            });
        }

        return new TransferDecision { Strategy = candidates[best], Reasons = reasons, Candidates = scores };
    }

    /// <summary>
    /// Per held-out example, values whose mean is the held-out balanced accuracy (classification) or minus
    /// the mean squared error (regression).
    /// </summary>
    /// <remarks>
    /// A right class scores <c>n / (K·n_c)</c> and a wrong one 0, where <c>n</c> is the number of held-out
    /// examples, <c>n_c</c> those of the example's class and <c>K</c> the classes held out: each class weighs
    /// the same whatever its size, so on a rare class (a wake word among everything else) a candidate that
    /// finds it is not outscored by one that always answers the common class. With equal classes every right
    /// class scores 1. The per-example values keep the paired comparison between candidates.
    /// </remarks>
    internal static double[] Score(Network network, Dataset holdout)
    {
        int rows = network.OutputSize;
        var output = new float[rows * holdout.Count];
        network.Inference.Run(holdout.FeatureData, holdout.Count, 0, network.Layers.Count, output, nameof(holdout));
        if (holdout.IsClassification)
        {
            var predicted = new int[holdout.Count];
            for (int j = 0; j < holdout.Count; j++)
            {
                predicted[j] = Network.ArgMax(output.AsSpan(j * rows, rows)); // one sigmoid unit: class 1 when a ≥ 0.5
            }

            return Statistics.BalancedAccuracyPerExample(predicted, holdout.LabelArray!, holdout.ClassCount);
        }

        var score = new double[holdout.Count];
        for (int j = 0; j < holdout.Count; j++)
        {
            var column = output.AsSpan(j * rows, rows);
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                double e = column[r] - holdout.TargetArray![(j * rows) + r];
                sum += e * e;
            }

            score[j] = -sum / rows;
        }

        return score;
    }

    /// <summary>
    /// The candidates to measure, FromScratch first, without duplicates, LastLayers(k) no deeper than the kept layers;
    /// above a feature extractor (which cannot train), none that trains every pretrained layer, and LastLayers(k) at
    /// most every kept dense layer.
    /// </summary>
    private List<TransferStrategy> Candidates(TransferContext context)
    {
        var list = new List<TransferStrategy> { TransferStrategy.FromScratch };
        bool extractor = context.Setup.Extractor is not null;
        int kept = context.KeptDenseLayers;
        // What a candidate trains on this network, or null when it cannot run on it.
        TransferStrategy? Effective(TransferStrategy s)
        {
            if (!extractor)
            {
                return s.FreezesPretrainedLayers && s.TrainedPretrainedLayers(kept) >= kept ? TransferStrategy.FullFineTune : s;
            }

            if (s.TrainsEveryPretrainedLayer)
            {
                return null;   // it would train the extractor
            }

            if (!s.FreezesPretrainedLayers || s == TransferStrategy.HeadOnly)
            {
                return s;
            }

            // LastLayers(k): at most every dense layer above the extractor; none when there is none.
            return kept > 0 ? TransferStrategy.LastLayers(s.TrainedPretrainedLayers(kept)) : null;
        }

        foreach (var s in Options.Candidates)
        {
            var effective = Effective(s);
            if (effective is not null && !list.Contains(effective))
            {
                list.Add(effective);
            }
        }

        return list;
    }
}
