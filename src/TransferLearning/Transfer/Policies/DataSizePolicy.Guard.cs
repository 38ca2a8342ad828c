using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>The evidence of <see cref="DataSizePolicy.CheckFeatures"/>: the rule's transfer measured against training everything, on the target, before anything is frozen.</summary>
public sealed partial class DataSizePolicy
{
    /// <summary>
    /// Decides by the counts (<see cref="Decide(TransferSituation)"/>) and, with <see cref="CheckFeatures"/> on,
    /// measures the rule's transfer strategy against the strategy that trains everything on held-out parts of the
    /// target (<see cref="HeldOutEvidence"/>), keeping the rule's choice unless the evidence says otherwise.
    /// </summary>
    internal override TransferDecision Choose(TransferContext context) => Choose(context, null);

    /// <summary>
    /// <see cref="Choose(TransferContext)"/>, measuring on <paramref name="shared"/> where it is the kind of plan this policy
    /// would make (parts that train on one fold for a large target, on the rest for a small one; its folds, not
    /// <see cref="EvidenceFolds"/>), so that what it measures serves the caller too (Auto).
    /// </summary>
    internal TransferDecision Choose(TransferContext context, HeldOutEvidence? shared)
    {
        var situation = context.Situation;
        var prior = Decide(situation);
        bool littleSource = prior.Reasons.Any(r => r.Code == DecisionReasonCode.FromScratchForLittleSourceData);
        if (!CheckFeatures || (!littleSource && !prior.Strategy.FreezesPretrainedLayers))
        {
            return prior;
        }

        // Condition (b) is a prior, not a stop: what the rule would transfer with the ratio set aside is measured too.
        var transfer = littleSource ? Decide(situation with { SourceExampleCount = null }).Strategy : prior.Strategy;
        bool small = IsSmall(situation);
        var baseline = !littleSource && !small && context.Setup.Extractor is null && transfer != TransferStrategy.FullFineTune
            ? TransferStrategy.FullFineTune
            : TransferStrategy.FromScratch;
        // A large target: train on one third, score on two (a third of the baseline's cost; the held-out part scores with less noise).
        var evidence = small
            ? shared is { TrainsOnOneFold: false } ? shared : HeldOutEvidence.Plan(context, EvidenceFolds)
            : shared is { TrainsOnOneFold: true } ? shared : HeldOutEvidence.Plan(context, 3, trainOnOneFold: true);
        int folds = small ? evidence.Folds : 1;
        var metric = context.Metric;
        var extraReasons = new List<DecisionReason>();
        bool checkHead = !small && transfer.FreezesPretrainedLayers && transfer != TransferStrategy.HeadOnly;

        // A source a few times the target (at least as large, under condition (b)'s ratio) and a large target: the
        // pretrained weights may still serve as a start where frozen features do not, so FullFineTune is measured too.
        // It and FromScratch share the budget one of them has alone. A source smaller than the target is not: its
        // weights were learned from fewer examples than the target has, and the shorter budget favours a warm start.
        bool sourceAtLeastTarget = situation.SourceExampleCount >= situation.TargetExampleCount;
        bool checkFull = littleSource && sourceAtLeastTarget && !small && context.Setup.Extractor is null && transfer != TransferStrategy.FullFineTune;
        double share = checkFull ? LittleSourceEpochShare : 1;

        // Every candidate the checks below compare, trained first and at once where there are two cores (the same
        // outputs as one after another); the checks then find them measured. One that diverges is measured again by
        // its check, which reports it.
        evidence.MeasureEach(context,
        [
            (transfer, folds, ShareOf(transfer, share)),
            .. checkHead ? [(TransferStrategy.HeadOnly, 1, 1.0)] : Array.Empty<(TransferStrategy, int, double)>(),
            .. checkFull ? [(TransferStrategy.FullFineTune, 1, share)] : Array.Empty<(TransferStrategy, int, double)>(),
            (baseline, folds, share),
        ]);

        if (checkHead)
        {
            // The head alone trains on the same cached features at almost no cost: it replaces the rule's LastLayers when it wins beyond the noise.
            transfer = IfBetter(context, evidence, transfer, TransferStrategy.HeadOnly, 1, "The head alone on the same frozen features (cheap: cached)", extraReasons);
        }

        if (checkFull)
        {
            transfer = IfBetter(context, evidence, transfer, TransferStrategy.FullFineTune, share, "The source is small, so the pretrained weights as a start only are measured too", extraReasons);
        }

        if (!MeasuredWithoutDiverging(context, evidence, transfer, folds, out var transferDiverged, ShareOf(transfer, share))
            | !MeasuredWithoutDiverging(context, evidence, baseline, folds, out var baselineDiverged, share))
        {
            // A training that diverges on the target's parts loses to one that does not; both diverging is the transfer's error.
            var survivor = transferDiverged is null ? transfer : baselineDiverged is null ? baseline : throw baselineDiverged;
            var failed = survivor == transfer ? baseline : transfer;
            return new TransferDecision
            {
                Strategy = survivor,
                Metric = metric,
                Reasons =
                [
                    .. prior.Reasons,
                    new()
                    {
                        Code = DecisionReasonCode.GainBeyondNoise,
                        Strategy = survivor,
                        Text = Invariant.F($"Measured on the target before anything is frozen: {failed}'s training diverged ({(transferDiverged ?? baselineDiverged)!.Message}), so {survivor}."),
                    },
                ],
            };
        }

        var (difference, se) = evidence.Compare(transfer, baseline, metric, context.Options.Seed);
        double show = context.Target.IsClassification ? 100 : 1;
        string unit = context.Target.IsClassification ? "points" : "in R²";
        double tfScore = evidence.Score(transfer, metric);
        double blScore = evidence.Score(baseline, metric);
        var reasons = prior.Reasons.ToList();
        reasons.AddRange(extraReasons);
        string how = small
            ? Invariant.F($"{evidence.Folds}-fold cross-validation: each trained as the transfer would train it on {evidence.TrainedOn:N0} examples, {evidence.Folds} times, every one of the {evidence.HeldOutCount(transfer, baseline):N0} examples held out once")
            : Invariant.F($"one split: each trained as the transfer would train it on {evidence.TrainedOn:N0} examples, for the {context.Options.EpochsFor(context.Target.Count)} epochs of the final training{(share < 1 ? Invariant.F($" ({share:P0} of them for {TransferStrategy.FullFineTune} and {TransferStrategy.FromScratch})") : string.Empty)}, and scored on the other {evidence.HeldOutCount(transfer, baseline):N0}");
        reasons.Add(new()
        {
            Code = DecisionReasonCode.CandidatesMeasured,
            Value = evidence.HeldOutCount(transfer, baseline),
            Text = Invariant.F($"Measured on the target before anything is frozen, by {how}; held-out {metric.Name}: {transfer} {tfScore:F3}, {baseline} {blScore:F3}."),
        });
        double needed = RequiredStandardErrors * se;
        bool withinNoise = Math.Abs(difference) <= needed;
        var preferred = littleSource ? baseline : transfer;
        var chosen = withinNoise ? preferred : difference > 0 ? transfer : baseline;
        string gap = Invariant.F($"{transfer} − {baseline} = {difference * show:+0.0#;-0.0#} {unit} (paired bootstrap standard error {se * show:0.0#}, {RequiredStandardErrors:G3} × it = {needed * show:0.0#})");
        string tieBreak = string.Empty;
        if (withinNoise && context.Target.IsClassification && CandidateMetrics.BreaksTiesOf(metric))
        {
            // A tie on the metric: the probability each gives the true class measures the same thing with far less noise.
            var soft = CandidateMetrics.Soft;
            var (softDifference, softSe) = evidence.Compare(transfer, baseline, soft, context.Options.Seed);
            bool resolved = Math.Abs(softDifference) > RequiredStandardErrors * softSe;
            chosen = resolved ? (softDifference > 0 ? transfer : baseline) : preferred;
            tieBreak = Invariant.F($" On the {soft.Name} (class-balanced), a smoother measure of the same thing, {transfer} − {baseline} = {softDifference * 100:+0.0#;-0.0#} points (standard error {softSe * 100:0.0#}): ")
                + (resolved ? Invariant.F($"{chosen} is ahead beyond the noise.") : "also within the noise.");
        }

        reasons.Add(new()
        {
            Code = chosen == preferred ? DecisionReasonCode.GainWithinNoise : DecisionReasonCode.GainBeyondNoise,
            Value = difference,
            Threshold = needed,
            Strategy = chosen,
            Text = (withinNoise ? Invariant.F($"{gap}: within the noise.{tieBreak}") : Invariant.F($"{gap}: beyond the noise."))
                + (chosen == preferred
                    ? Invariant.F($" {chosen}, as the {(littleSource ? "source-to-target ratio" : "rule")} says.")
                    : littleSource
                        ? Invariant.F($" {chosen}, although the source is not {FeatureCheck.MinSourceToTargetRatio:G3} times the target: the evidence outweighs condition (b).")
                        : Invariant.F($" {chosen}, not what the counts alone say: the frozen features serve this target less well.")),
        });
        if (chosen == TransferStrategy.FromScratch && !littleSource)
        {
            reasons.Add(new()
            {
                Code = DecisionReasonCode.FromScratchForUnhelpfulFeatures,
                Strategy = TransferStrategy.FromScratch,
                Text = context.Setup.Extractor is null
                    ? "Train from scratch: the pretrained features measurably serve this target less well than features learned from its own data."
                    : "Train from scratch, on the raw inputs (TransferOptions.FromScratchBody in the feature extractor's place): the extractor's features serve this target less well, and no strategy may train the extractor itself.",
            });
        }

        return new TransferDecision { Strategy = chosen, Reasons = reasons, Metric = metric };
    }

    /// <summary>
    /// <paramref name="challenger"/> in place of <paramref name="transfer"/> when, on the same split, it scores higher by
    /// more than <see cref="RequiredStandardErrors"/> paired-bootstrap standard errors, else <paramref name="transfer"/>;
    /// the one whose training diverges is left out. <paramref name="why"/> opens the reason.
    /// </summary>
    private TransferStrategy IfBetter(TransferContext context, HeldOutEvidence evidence, TransferStrategy transfer, TransferStrategy challenger, double share, string why, List<DecisionReason> reasons)
    {
        if (!MeasuredWithoutDiverging(context, evidence, transfer, 1, out var transferDiverged, ShareOf(transfer, share))
            | !MeasuredWithoutDiverging(context, evidence, challenger, 1, out var challengerDiverged, ShareOf(challenger, share)))
        {
            // A training that diverges is out; when both do, the rule's strategy goes on to the main check, which reports it.
            var kept = challengerDiverged is null ? challenger : transfer;
            if (transferDiverged is null || challengerDiverged is null)
            {
                var failed = kept == challenger ? transfer : challenger;
                reasons.Add(new()
                {
                    Code = DecisionReasonCode.GainBeyondNoise,
                    Strategy = kept,
                    Text = Invariant.F($"{why}: {failed}'s training diverged ({(transferDiverged ?? challengerDiverged)!.Message}), so {kept}."),
                });
            }

            return kept;
        }

        var metric = context.Metric;
        var (difference, se) = evidence.Compare(challenger, transfer, metric, context.Options.Seed);
        double show = context.Target.IsClassification ? 100 : 1;
        string unit = context.Target.IsClassification ? "points" : "in R²";
        bool better = difference > RequiredStandardErrors * se;
        reasons.Add(new()
        {
            Code = better ? DecisionReasonCode.GainBeyondNoise : DecisionReasonCode.GainWithinNoise,
            Value = difference,
            Threshold = RequiredStandardErrors * se,
            Strategy = better ? challenger : transfer,
            Text = Invariant.F($"{why}: {challenger} − {transfer} = {difference * show:+0.0#;-0.0#} {unit} of held-out {metric.Name} (standard error {se * show:0.0#}): ")
                + (better ? Invariant.F($"beyond the noise, so {challenger} is the transfer measured next.") : Invariant.F($"not beyond the noise, so {transfer}.")),
        });
        return better ? challenger : transfer;
    }

    /// <summary>The share of the epochs <paramref name="strategy"/> trains: all of them when it freezes pretrained layers (cached features), else <paramref name="share"/>.</summary>
    private static double ShareOf(TransferStrategy strategy, double share) => strategy.FreezesPretrainedLayers ? 1 : share;

    /// <summary>Measures <paramref name="strategy"/> (<paramref name="share"/> of the epochs); false, with the exception, when its training diverged.</summary>
    private static bool MeasuredWithoutDiverging(TransferContext context, HeldOutEvidence evidence, TransferStrategy strategy, int folds, out TrainingDivergedException? diverged, double share = 1)
    {
        try
        {
            evidence.Measure(context, strategy, folds, share);
            diverged = null;
            return true;
        }
        catch (TrainingDivergedException e)
        {
            evidence.Forget(strategy);
            diverged = e;
            return false;
        }
    }

    /// <summary>
    /// The share of the final training's epochs that <see cref="TransferStrategy.FullFineTune"/> and
    /// <see cref="TransferStrategy.FromScratch"/> each train on a large target's third when the source is 1 to 10 times the target:
    /// together they then cost about 0.4 of one training (0.6 of its epochs each, on a third of its examples). A frozen
    /// candidate trains on cached features, at little cost, and keeps every epoch.
    /// </summary>
    private const double LittleSourceEpochShare = 0.6;

    /// <summary>Whether the target is small enough for k-fold cross-validation: under <see cref="CrossValidateBelowExamplesPerClass"/> in its smallest class (a regression target: under 10 × that many examples).</summary>
    private bool IsSmall(TransferSituation s) =>
        s.TargetClassCount > 0 ? s.TargetExamplesPerClassForRules < CrossValidateBelowExamplesPerClass : s.TargetExampleCount < 10 * CrossValidateBelowExamplesPerClass;
}
