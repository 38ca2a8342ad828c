using System.Diagnostics;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Measures the candidate strategies on held-out target data by successive halving and picks the best on the
/// target's metric, keeping FromScratch unless a transfer strategy beats it by more than the noise.
/// </summary>
/// <remarks>
/// <para>
/// The target is dealt into <see cref="AutoSelectionOptions.Folds"/> stratified parts (<see cref="HeldOutEvidence"/>);
/// the first is held out, and the next ones in turn while fewer than <see cref="AutoSelectionOptions.MinHeldOutExamples"/>
/// examples are (small targets: cheap to train, noisy to score).
/// </para>
/// <list type="number">
/// <item>The candidates that keep pretrained layers frozen (HeadOnly, LastLayers) train on cached features, at
/// little cost: each trains the full epochs without each held-out part and is scored on it.</item>
/// <item>Rung 0: FromScratch and the others train without the first part for
/// <see cref="AutoSelectionOptions.FirstRungEpochFraction"/> of the epochs and are scored on it.</item>
/// <item>Rung 1: FromScratch and the <see cref="AutoSelectionOptions.Survivors"/> best others train on to the full
/// epochs (from the rung-0 weights, with a fresh optimiser state, schedule and mini-batch order; L2-SP still
/// anchored to the pretrained values), then in full without each further part.</item>
/// <item>Every finalist's held-out outputs are pooled and scored together by the target's metric (accuracy;
/// balanced accuracy when a class holds under 10 % of the examples; R² for regression). The best replaces
/// FromScratch if it wins by more than <see cref="AutoSelectionOptions.RequiredStandardErrors"/> paired-bootstrap
/// standard errors; within that band the class-balanced mean probability of the true class (a smoother measure of
/// the same thing) decides by the same rule. The chosen strategy is then trained on the whole target.</item>
/// </list>
/// <para>
/// Cost on a large target, in full trainings of one candidate: about <c>0.8 × f × c</c> for rung 0 (<c>c</c>
/// candidates that train every layer, <c>f</c> the fraction), <c>0.8 × (1 − f) × 2</c> for rung 1, little for the
/// frozen ones, and 1 for the final training — about 2.6 with the defaults.
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
        var evidence = HeldOutEvidence.Plan(context, Options.Folds);
        var metric = context.Metric;
        int epochs = context.Options.EpochsFor(evidence.TrainedOn);
        int firstEpochs = Math.Clamp((int)Math.Round(epochs * Options.FirstRungEpochFraction), 1, epochs);
        // The frozen candidates once; rung 0 FromScratch and the others; rung 1 FromScratch and at most Survivors others.
        int frozen = candidates.Count(c => c.FreezesPretrainedLayers);
        int total = candidates.Count + 1 + Math.Min(Options.Survivors, candidates.Count - 1 - frozen);
        int done = 0;
        void Report(string stage, TransferStrategy strategy) =>
            Options.Progress?.Report(new AutoSelectionProgress { Stage = stage, Strategy = strategy, Completed = ++done, Total = total });

        // The parts held out: the first, then more while fewer than MinHeldOutExamples examples are.
        int parts = 1;
        int heldOut = evidence.Part(0).Holdout.Count;
        while (parts < evidence.Folds && heldOut < Options.MinHeldOutExamples)
        {
            heldOut += evidence.Part(parts++).Holdout.Count;
        }

        // A candidate whose training diverges is out: it is reported as such, and the others are compared without it.
        var diverged = new Dictionary<int, TrainingDivergedException>();
        void Guarded(int c, Action work)
        {
            if (diverged.ContainsKey(c))
            {
                return;
            }

            try
            {
                work();
            }
            catch (TrainingDivergedException e)
            {
                diverged[c] = e;
                evidence.Forget(candidates[c]);
            }
        }

        // Frozen candidates train on cached features, at little cost: every one trains in full without every part.
        var (train, holdout) = evidence.Part(0);
        var cheap = Enumerable.Range(1, candidates.Count - 1).Where(c => candidates[c].FreezesPretrainedLayers).ToArray();
        foreach (int c in cheap)
        {
            Guarded(c, () => evidence.Measure(context, candidates[c], parts));
            Report(Invariant.F($"{epochs} epochs without each of {parts} part(s)"), candidates[c]);
        }

        // Rung 0: the others, a short budget, the first held-out part.
        var expensive = Enumerable.Range(1, candidates.Count - 1).Where(c => !candidates[c].FreezesPretrainedLayers).ToArray();
        var runs = new TransferRun?[candidates.Count];
        var first = new double[candidates.Count];
        var firstSoft = new double[candidates.Count];
        foreach (int c in expensive.Prepend(0))
        {
            token.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            first[c] = double.NegativeInfinity;
            Guarded(c, () =>
            {
                runs[c] = context.Try(candidates[c]).Train(train, null, firstEpochs, null, token);
                evidence.Record(candidates[c], 0, runs[c]!.Network);
                first[c] = evidence.Score(candidates[c], metric);
                firstSoft[c] = target.IsClassification ? evidence.Score(candidates[c], CandidateMetrics.Soft) : 0;
            });
            evidence.AddElapsed(candidates[c], clock.Elapsed);
            Report(Invariant.F($"rung 0 ({firstEpochs} of {epochs} epochs)"), candidates[c]);
        }

        // Rung 1: FromScratch (candidate 0) and the best others, trained on to the full budget, then without each further part.
        var survivors = expensive.Where(c => !diverged.ContainsKey(c)).OrderByDescending(c => first[c]).ThenByDescending(c => firstSoft[c]).Take(Options.Survivors).Prepend(0).ToArray();
        foreach (int c in survivors)
        {
            token.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            Guarded(c, () =>
            {
                var run = epochs > firstEpochs ? runs[c]!.TrainMore(train, epochs - firstEpochs, token) : runs[c]!;
                evidence.Record(candidates[c], 0, run.Network);
                evidence.Measure(context, candidates[c], parts);
            });
            evidence.AddElapsed(candidates[c], clock.Elapsed);
            Report(Invariant.F($"rung 1 ({epochs} epochs)"), candidates[c]);
        }

        var finalists = cheap.Concat(survivors).Where(c => !diverged.ContainsKey(c)).ToArray();
        if (finalists.Length == 0)
        {
            throw diverged.Values.Last();
        }

        var scores = Enumerable.Range(0, candidates.Count).Select(c => diverged.ContainsKey(c) ? Diverged(candidates[c]) : Scored(candidates[c], finalists.Contains(c) ? epochs : firstEpochs)).ToArray();
        CandidateScore Diverged(TransferStrategy strategy) => new()
        {
            Strategy = strategy,
            Metric = metric.Name,
            Score = double.NaN,
            Elapsed = evidence.Elapsed(strategy),
        };
        CandidateScore Scored(TransferStrategy strategy, int trainedEpochs) => new()
        {
            Strategy = strategy,
            Metric = metric.Name,
            Score = evidence.Score(strategy, metric),
            BalancedAccuracy = target.IsClassification ? evidence.Score(strategy, TransferMetric.BalancedAccuracy) : null,
            SquaredError = target.IsClassification ? null : -evidence.Score(strategy, CandidateMetrics.NegativeSquaredError),
            Epochs = trainedEpochs,
            Elapsed = evidence.Elapsed(strategy),
        };

        var reasons = new List<DecisionReason>
        {
            new()
            {
                Code = DecisionReasonCode.CandidatesMeasured,
                Value = heldOut,
                Text = Invariant.F($"Measured {candidates.Count} strategies on {heldOut:N0} held-out target examples ({parts} of {evidence.Folds} stratified parts, each held out in turn, the candidates trained on the rest): those that keep pretrained layers frozen (on cached features) trained {epochs} epochs; the others first {firstEpochs} epochs on {evidence.TrainedOn:N0} examples, scored on {holdout.Count:N0}, then FromScratch and the best {Options.Survivors} other(s) on to {epochs} epochs. Held-out {metric.Name}, on the parts each was scored on:"),
            },
        };
        reasons.AddRange(scores.Select((s, c) => new DecisionReason
        {
            Code = DecisionReasonCode.CandidateScored,
            Value = s.Score,
            Strategy = s.Strategy,
            Text = diverged.TryGetValue(c, out var e) ? Invariant.F($"{s.Strategy}: training diverged, so it is out ({e.Message})") : s.ToString(),
        }));

        int best = finalists.MaxBy(c => evidence.Score(candidates[c], metric));
        if (best != 0 && !diverged.ContainsKey(0))
        {
            var (gain, se) = evidence.Compare(candidates[best], candidates[0], metric, context.Options.Seed);
            double show = target.IsClassification ? 100 : 1;
            string points = target.IsClassification ? "points" : "in R²";
            double needed = Options.RequiredStandardErrors * se;
            bool withinNoise = gain <= needed;
            string text = Invariant.F($"{candidates[best]} beat FromScratch by {gain * show:+0.0#;-0.0#} {points} of {metric.Name} on {evidence.HeldOutCount(candidates[best], candidates[0]):N0} held-out examples, ")
                + (withinNoise ? Invariant.F($"within the noise ({Options.RequiredStandardErrors:G3} × paired bootstrap standard error {se * show:0.0#}).") : Invariant.F($"more than {Options.RequiredStandardErrors:G3} × its paired bootstrap standard error ({se * show:0.0#})."));
            if (withinNoise && target.IsClassification)
            {
                var (softGain, softSe) = evidence.Compare(candidates[best], candidates[0], CandidateMetrics.Soft, context.Options.Seed);
                withinNoise = softGain <= Options.RequiredStandardErrors * softSe;
                text += Invariant.F($" On the {CandidateMetrics.Soft.Name} (class-balanced), a smoother measure of the same thing, it is ahead by {softGain * 100:+0.0#;-0.0#} points (standard error {softSe * 100:0.0#}): ")
                    + (withinNoise ? "within the noise too: keep the baseline." : "beyond the noise.");
            }
            else if (withinNoise)
            {
                text += " Keep the baseline.";
            }

            reasons.Add(new()
            {
                Code = withinNoise ? DecisionReasonCode.GainWithinNoise : DecisionReasonCode.GainBeyondNoise,
                Value = gain,
                Threshold = needed,
                Strategy = candidates[best],
                Text = text,
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

        return new TransferDecision { Strategy = candidates[best], Reasons = reasons, Candidates = scores, Metric = metric };
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
