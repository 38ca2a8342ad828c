using System.Diagnostics;
using System.Globalization;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Measures every candidate strategy by stratified cross-validation on the target and picks the best,
/// keeping FromScratch unless a transfer strategy beats it by more than the noise.
/// </summary>
internal sealed class AutoSelectionPolicy(AutoSelectionOptions options) : TransferPolicy
{
    public AutoSelectionOptions Options { get; } = options;

    public override string ToString() => $"Auto({string.Join(", ", Options.Candidates)}; {Options.Folds} folds)";

    internal override TransferDecision Choose(TransferContext context)
    {
        var target = context.Target;
        if (target.Count < 2)
        {
            throw new ArgumentException(
                $"Auto cross-validates on the target and needs at least 2 target examples but got {target.Count}.", "target");
        }

        int kept = context.Pretrained.DenseLayers.Count - context.Options.RemovedLayers;
        var candidates = Candidates(kept);
        int folds = Math.Min(Options.Folds, target.Count);
        var splits = target.StratifiedFolds(folds, Options.Seed);

        // score[c, f]: held-out accuracy (or −loss for regression) of candidate c on fold f.
        var score = new double[candidates.Count, folds];
        var loss = new double[candidates.Count];
        var accuracy = new double[candidates.Count];
        var elapsed = new TimeSpan[candidates.Count];
        for (int f = 0; f < folds; f++)
        {
            var (train, holdout) = splits[f];
            for (int c = 0; c < candidates.Count; c++)
            {
                var clock = Stopwatch.StartNew();
                var (network, _) = TransferPipeline.Train(context.Pretrained, train, null, context.Options, candidates[c], null, context.CancellationToken);
                var result = network.Evaluate(holdout);
                elapsed[c] += clock.Elapsed;
                double weight = (double)holdout.Count / target.Count;
                loss[c] += result.Loss * weight;
                accuracy[c] += (result.Accuracy ?? 0) * weight;
                score[c, f] = result.Accuracy ?? -result.Loss;
            }
        }

        var scores = candidates
            .Select((s, c) => new CandidateScore(s, target.IsClassification ? accuracy[c] : null, loss[c], elapsed[c]))
            .ToArray();
        double Mean(int c) => target.IsClassification ? accuracy[c] : -loss[c];

        int best = 0;
        for (int c = 1; c < scores.Length; c++)
        {
            if (Mean(c) > Mean(best) + 1e-12)
            {
                best = c;
            }
        }

        var reasons = new List<string>
        {
            Invariant.F($"Measured {candidates.Count} strategies by {folds}-fold stratified cross-validation on the {target.Count:N0} target examples (each held out once), each trained with the same budget ({context.Options.Training.Epochs} epochs, batches of {context.Options.Training.BatchSize})."),
        };
        reasons.AddRange(scores.Select(s => s.ToString()));

        // Paired per-fold gains of the best over FromScratch (candidate 0): is the gain more than noise?
        if (best != 0)
        {
            var gains = Enumerable.Range(0, folds).Select(f => score[best, f] - score[0, f]).ToArray();
            double meanGain = gains.Average();
            double se = Math.Sqrt(gains.Sum(g => (g - meanGain) * (g - meanGain)) / Math.Max(1, folds - 1) / folds);
            string unit = target.IsClassification ? "points" : "loss";
            double show = target.IsClassification ? 100 : 1;
            if (meanGain <= Options.RequiredStandardErrors * se)
            {
                reasons.Add(Invariant.F($"{scores[best].Strategy} beat FromScratch by {meanGain * show:+0.0#;-0.0#} {unit} on average, within the noise ({Options.RequiredStandardErrors:G3} × standard error {se * show:0.0#} over {folds} folds): keep the baseline."));
                best = 0;
            }
            else
            {
                reasons.Add(Invariant.F($"{scores[best].Strategy} beat FromScratch by {meanGain * show:+0.0#;-0.0#} {unit} on average, more than {Options.RequiredStandardErrors:G3} × its standard error ({se * show:0.0#}) over {folds} folds."));
            }
        }

        var chosen = scores[best];
        reasons.Add(target.IsClassification
            ? Invariant.F($"Chosen: {chosen.Strategy}, cross-validated accuracy {chosen.Accuracy:P1}; retrained on all {target.Count:N0} target examples.")
            : Invariant.F($"Chosen: {chosen.Strategy}, cross-validated loss {chosen.Loss:F4}; retrained on all {target.Count:N0} target examples."));
        if (best == 0)
        {
            reasons.Add("No transfer strategy clearly beat training from scratch: the pretrained features do not measurably help this target, so negative transfer is avoided.");
        }

        return new TransferDecision(chosen.Strategy, reasons, scores);
    }

    /// <summary>The candidates to measure, FromScratch first, without duplicates or LastLayers(k) deeper than the kept layers.</summary>
    private List<TransferStrategy> Candidates(int kept)
    {
        var list = new List<TransferStrategy> { TransferStrategy.FromScratch };
        foreach (var s in Options.Candidates)
        {
            var effective = s.Kind == TransferStrategyKind.LastLayers && s.PretrainedLayersToTrain >= kept ? TransferStrategy.FullFineTune : s;
            if (!list.Contains(effective))
            {
                list.Add(effective);
            }
        }

        return list;
    }
}
