using System.Diagnostics;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Starts from <see cref="DataSizePolicy.Default"/>'s decision, measured on the same held-out parts of the target,
/// then measures every other candidate there (successive halving) and replaces Default's choice only when one beats
/// it on the target's metric by more than <see cref="AutoSelectionOptions.RequiredStandardErrorsAgainstDefault"/>
/// paired-bootstrap standard errors.
/// </summary>
/// <remarks>
/// <para>
/// A small target (under <see cref="AutoSelectionOptions.LargeTargetExamplesPerClass"/> examples in its smallest class)
/// is dealt into <see cref="AutoSelectionOptions.Folds"/> stratified parts (<see cref="HeldOutEvidence"/>), each held out
/// in turn: Default cross-validates its choice against FromScratch on all of them, the frozen candidates are scored
/// on as many as hold <see cref="AutoSelectionOptions.MinHeldOutExamples"/> examples, and the candidates that train
/// every layer (a whole training per part) on the first. A large target is dealt into three: the candidates train
/// on one third, for the epochs of the final training (a third of its steps), and are scored on the other two
/// thirds — a point of the learning curve at a third of the cost, as Default measures it.
/// </para>
/// <list type="number">
/// <item>Default decides, on the same parts (<see cref="DataSizePolicy.Choose(TransferContext, HeldOutEvidence?)"/>):
/// what it trains is measured once, for both. Its choice is the baseline.</item>
/// <item>The candidates that keep pretrained layers frozen (HeadOnly, LastLayers) train on cached features, at
/// little cost, the full epochs.</item>
/// <item>Rung 0: the others not yet measured train on the first training part for
/// <see cref="AutoSelectionOptions.FirstRungEpochFraction"/> of the epochs and are scored on its held-out part.</item>
/// <item>Rung 1: the <see cref="AutoSelectionOptions.Survivors"/> best of them train on to the full epochs (from the
/// rung-0 weights, with a fresh optimiser state, schedule and mini-batch order; L2-SP still anchored to the
/// pretrained values).</item>
/// <item>Each finalist is compared with the baseline on the held-out examples both were scored on, pooled, by the
/// target's metric (accuracy; balanced accuracy when a class holds under 10 % of the examples; R² for regression;
/// or the caller's). The one with the largest gain replaces the baseline if that gain is more than
/// <see cref="AutoSelectionOptions.RequiredStandardErrorsAgainstDefault"/> standard errors. The chosen strategy is then
/// trained on the whole target.</item>
/// </list>
/// <para>
/// Where Default's own trainings diverge, FromScratch is the baseline instead, every finalist is scored on the same
/// parts, and the best replaces it beyond <see cref="AutoSelectionOptions.RequiredStandardErrors"/> (ties broken by the
/// class-balanced mean probability of the true class). Not against Default's choice: that smoother score favours the
/// candidates that train more layers (more confident, not more often right: on TransferBench's ceiling rows it cost
/// 0.4 points), and Default has broken its own ties.
/// </para>
/// <para>
/// Cost on a large target, in full trainings of one candidate: Default's decision (about a third), <c>f × c / 3</c>
/// for rung 0 (<c>c</c> candidates that train every layer and that Default did not measure, <c>f</c> the fraction),
/// <c>(1 − f) / 3</c> for rung 1, little for the frozen ones, and 1 for the final training — under 2 with the defaults
/// (TransferBench: within 2 × the slowest fixed strategy's training from 100 examples per class). On a small target
/// Default's cross-validation trains FromScratch once per part, and each part costs about a whole training there.
/// </para>
/// </remarks>
internal sealed class AutoSelectionPolicy(AutoSelectionOptions options) : TransferPolicy
{
    public AutoSelectionOptions Options { get; } = options;

    public override string ToString() => $"Auto({string.Join(", ", Options.Candidates)}; from Default's choice, replaced beyond {Options.RequiredStandardErrorsAgainstDefault:G3} standard errors; successive halving; {Options.Folds} parts, or train on 1 of 3 from {Options.LargeTargetExamplesPerClass:G} examples per class)";

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
        // A large target trains on one third for the final training's epochs and scores on two: a third of the cost.
        bool large = IsLarge(context.Situation);
        var evidence = large ? HeldOutEvidence.Plan(context, 3, trainOnOneFold: true) : HeldOutEvidence.Plan(context, Options.Folds);
        var metric = context.Metric;
        int epochs = context.Options.EpochsFor(large ? target.Count : evidence.TrainedOn);
        int firstEpochs = Math.Clamp((int)Math.Round(epochs * Options.FirstRungEpochFraction), 1, epochs);

        // DataSizePolicy.Default decides first, on the same parts (what it trains is measured once, for both), and its
        // choice is the baseline the others must beat; FromScratch is where Default's trainings diverged.
        var prior = PriorDecision(context, evidence);
        if (prior is not null && !candidates.Contains(prior.Strategy))
        {
            candidates.Add(prior.Strategy);
        }

        int baseline = prior is null ? 0 : candidates.IndexOf(prior.Strategy);
        bool Measured(int c) => evidence.FoldsScored(candidates[c]) > 0;

        // The frozen candidates once; rung 0 the baseline (unless measured) and the others; rung 1 the baseline and at most Survivors others.
        var cheap = Enumerable.Range(0, candidates.Count).Where(c => candidates[c].FreezesPretrainedLayers && !Measured(c)).ToArray();
        var pending = Enumerable.Range(0, candidates.Count).Where(c => !candidates[c].FreezesPretrainedLayers && !Measured(c)).ToArray();
        var others = pending.Where(c => c != baseline).ToArray();
        int total = cheap.Length + pending.Length + Math.Min(Options.Survivors, others.Length) + (pending.Contains(baseline) ? 1 : 0);
        int done = 0;
        void Report(string stage, TransferStrategy strategy) =>
            Options.Progress?.Report(new AutoSelectionProgress { Stage = stage, Strategy = strategy, Completed = ++done, Total = total });

        // The parts held out: the first, then more while fewer than MinHeldOutExamples examples are.
        int parts = 1;
        int heldOut = evidence.Part(0).Holdout.Count;
        while (!large && parts < evidence.Folds && heldOut < Options.MinHeldOutExamples)
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
        foreach (int c in cheap)
        {
            Guarded(c, () => evidence.Measure(context, candidates[c], parts));
            Report(Invariant.F($"{epochs} epochs without each of {parts} part(s)"), candidates[c]);
        }

        // Rung 0: the others, a short budget, the first held-out part.
        var runs = new TransferRun?[candidates.Count];
        var first = new double[candidates.Count];
        var firstSoft = new double[candidates.Count];
        foreach (int c in pending)
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

        // Rung 1: the baseline (unless measured) and the best others, trained on to the full budget, then without each further part.
        int[] survivors = [.. others.Where(c => !diverged.ContainsKey(c)).OrderByDescending(c => first[c]).ThenByDescending(c => firstSoft[c]).Take(Options.Survivors)];
        survivors = pending.Contains(baseline) ? [baseline, .. survivors] : survivors;
        foreach (int c in survivors)
        {
            token.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            Guarded(c, () =>
            {
                var run = epochs > firstEpochs ? runs[c]!.TrainMore(train, epochs - firstEpochs, token) : runs[c]!;
                evidence.Record(candidates[c], 0, run.Network);
                // Against Default's choice (measured on every part), a candidate that trains every layer is scored on the
                // first part only: a whole training per part, and it must win beyond RequiredStandardErrorsAgainstDefault there.
                evidence.Measure(context, candidates[c], prior is null || c == baseline ? parts : 1);
            });
            evidence.AddElapsed(candidates[c], clock.Elapsed);
            Report(Invariant.F($"rung 1 ({epochs} epochs)"), candidates[c]);
        }

        var finalists = Enumerable.Range(0, candidates.Count).Where(c => !diverged.ContainsKey(c) && (!pending.Contains(c) || survivors.Contains(c)) && Measured(c)).ToArray();
        if (finalists.Length == 0)
        {
            throw diverged.Values.Last();
        }

        var scores = Enumerable.Range(0, candidates.Count).Select(c => diverged.ContainsKey(c) || !Measured(c) ? Diverged(candidates[c]) : Scored(candidates[c], finalists.Contains(c) ? epochs : firstEpochs)).ToArray();
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

        var reasons = new List<DecisionReason>();
        if (prior is not null)
        {
            reasons.Add(new()
            {
                Code = DecisionReasonCode.CandidatesMeasured,
                Strategy = prior.Strategy,
                Text = Invariant.F($"{nameof(DataSizePolicy)}.{nameof(DataSizePolicy.Default)} decides first, on the same held-out parts, and its choice, {prior.Strategy}, is the baseline another candidate must beat by more than {Options.RequiredStandardErrorsAgainstDefault:G3} standard errors. Its reasons:"),
            });
            reasons.AddRange(prior.Reasons);
        }

        string trainedHow = large
            ? Invariant.F($"a large target: the candidates trained on one of {evidence.Folds} stratified parts, for the final training's epochs, and scored on the other {evidence.Folds - 1}")
            : Invariant.F($"{parts} of {evidence.Folds} stratified parts, each held out in turn, the candidates trained on the rest");
        reasons.Add(new()
        {
            Code = DecisionReasonCode.CandidatesMeasured,
            Value = heldOut,
            Text = Invariant.F($"Measured {candidates.Count} strategies on {heldOut:N0} held-out target examples ({trainedHow}): those that keep pretrained layers frozen (on cached features) trained {epochs} epochs; the others first {firstEpochs} epochs on {evidence.TrainedOn:N0} examples, scored on {holdout.Count:N0}, then {candidates[baseline]} and the best {Options.Survivors} other(s) on to {epochs} epochs{(prior is null ? string.Empty : Invariant.F($" (what {nameof(DataSizePolicy)}.{nameof(DataSizePolicy.Default)} had measured was not trained again)"))}. Held-out {metric.Name}, on the parts each was scored on:"),
        });
        reasons.AddRange(scores.Select((s, c) => new DecisionReason
        {
            Code = DecisionReasonCode.CandidateScored,
            Value = s.Score,
            Strategy = s.Strategy,
            Text = diverged.TryGetValue(c, out var e) ? Invariant.F($"{s.Strategy}: training diverged, so it is out ({e.Message})") : s.ToString(),
        }));

        // Against Default's choice, each on the parts both were scored on; against FromScratch (every finalist on the same
        // parts), or where the baseline's training diverged (no baseline to beat), the best score.
        bool hasBaseline = finalists.Contains(baseline);
        int best = prior is not null && hasBaseline
            ? finalists.MaxBy(c => c == baseline ? 0 : evidence.Score(candidates[c], metric, candidates[baseline]) - evidence.Score(candidates[baseline], metric, candidates[c]))
            : finalists.MaxBy(c => evidence.Score(candidates[c], metric));
        if (best != baseline && hasBaseline)
        {
            var (gain, se) = evidence.Compare(candidates[best], candidates[baseline], metric, context.Options.Seed);
            double show = target.IsClassification ? 100 : 1;
            string points = target.IsClassification ? "points" : "in R²";
            double required = prior is null ? Options.RequiredStandardErrors : Options.RequiredStandardErrorsAgainstDefault;
            double needed = required * se;
            bool withinNoise = gain <= needed;
            string text = Invariant.F($"{candidates[best]} beat {candidates[baseline]} by {gain * show:+0.0#;-0.0#} {points} of {metric.Name} on {evidence.HeldOutCount(candidates[best], candidates[baseline]):N0} held-out examples, ")
                + Invariant.F($"paired bootstrap standard error {se * show:0.0#}, so {required:G3} × it = {needed * show:0.0#} is needed: ")
                + (withinNoise ? "within the noise." : "beyond the noise.");
            // Against FromScratch, a tie on the metric is broken by the smoother probability of the true class. Not
            // against Default's choice: that favours the candidates that train more layers (more confident, not more
            // often right: TransferBench's ceiling rows lost 0.4 points to it), and Default has broken its own ties.
            if (withinNoise && target.IsClassification && prior is null)
            {
                var (softGain, softSe) = evidence.Compare(candidates[best], candidates[baseline], CandidateMetrics.Soft, context.Options.Seed);
                withinNoise = softGain <= required * softSe;
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
            best = withinNoise ? baseline : best;
        }

        reasons.Add(new()
        {
            Code = DecisionReasonCode.Chosen,
            Value = target.Count,
            Strategy = candidates[best],
            Text = Invariant.F($"Chosen: {candidates[best]}; trained on all {target.Count:N0} target examples."),
        });
        if (best == 0 && baseline == 0)
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
    /// <see cref="DataSizePolicy.Default"/>'s decision on a large target, measured on <paramref name="evidence"/>;
    /// <see langword="null"/> when its trainings diverged (Auto then measures from the FromScratch baseline, as on a small target).
    /// </summary>
    private static TransferDecision? PriorDecision(TransferContext context, HeldOutEvidence evidence)
    {
        try
        {
            return DataSizePolicy.Default.Choose(context, evidence);
        }
        catch (TrainingDivergedException)
        {
            return null;
        }
    }

    /// <summary>Whether the target is large: at least <see cref="AutoSelectionOptions.LargeTargetExamplesPerClass"/> examples in its smallest class (a regression target: 10 × that many examples).</summary>
    private bool IsLarge(TransferSituation s) =>
        s.TargetClassCount > 0 ? s.TargetExamplesPerClassForRules >= Options.LargeTargetExamplesPerClass : s.TargetExampleCount >= 10 * Options.LargeTargetExamplesPerClass;

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
