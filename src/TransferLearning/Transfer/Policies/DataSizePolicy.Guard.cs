namespace TransferLearning.Transfer;

/// <summary>The guard of <see cref="DataSizePolicy.CheckFeatures"/>: condition (c) measured before any pretrained layer is frozen.</summary>
public sealed partial class DataSizePolicy
{
    /// <summary>
    /// Decides by the counts (<see cref="Decide(TransferSituation)"/>) and, when that keeps pretrained layers
    /// frozen and <see cref="CheckFeatures"/> is on, keeps the choice only if a probe on the features it
    /// would freeze gains at least <see cref="AdvisorOptions.MinProbeGain"/> + <see cref="RequiredStandardErrors"/>
    /// standard errors over the raw inputs; otherwise trains from scratch.
    /// </summary>
    internal override TransferDecision Choose(TransferContext context)
    {
        var prior = Decide(context.Situation);
        if (!CheckFeatures || !prior.Strategy.FreezesPretrainedLayers)
        {
            return prior;
        }

        // Condition (c) on the target, before anything is frozen: a probe on the features the strategy
        // would freeze (the top frozen layer's output, which the trained layers would see) — one layer,
        // so no best-of-layers choice to correct for.
        int frozenTop = PretrainedBody.FirstTrainedLayer(context.Pretrained, context.KeptLayers, prior.Strategy.TrainedPretrainedLayers(context.KeptDenseLayers)) - 1;
        var advice = new TransferAdvisor(FeatureCheck with { Seed = context.Options.Seed }).Advise(   // the transfer's one seed
            context.Pretrained, context.Setup.SourceExampleCount, context.Target, [frozenTop], context.CancellationToken);
        var reasons = prior.Reasons.ToList();
        var gain = advice.Gain!;
        var best = advice.BestLayer!;
        string measured = Invariant.F($"{TransferAdvisor.ProbeEvidence(advice.Probes, gain)}: {gain}");
        bool beatsMean = context.Target.IsClassification || best.Score > 0;
        double needed = FeatureCheck.MinProbeGain + (RequiredStandardErrors * gain.StandardError);
        double show = context.Target.IsClassification ? 100 : 1;
        string unit = context.Target.IsClassification ? "points" : "in R²";
        string threshold = Invariant.F($"{FeatureCheck.MinProbeGain * show:0.##} {unit} + {RequiredStandardErrors:G3} × standard error {gain.StandardError * show:0.##} = {needed * show:0.##}");
        if (gain.Gain >= needed && beatsMean)
        {
            reasons.Add(new()
            {
                Code = DecisionReasonCode.FeaturesHelp,
                Value = gain.Gain,
                Threshold = needed,
                Strategy = prior.Strategy,
                Text = Invariant.F($"Condition (c), measured on the target before freezing anything: {measured}. The gain reaches the {threshold} asked for: keep {prior.Strategy}."),
            });
            return prior with { Reasons = reasons };
        }

        string shortfall = beatsMean
            ? Invariant.F($"less than the {threshold} the policy asks for")
            : Invariant.F($"an R² of {best.Score:F3} does not beat predicting the mean");
        reasons.Add(new()
        {
            Code = beatsMean ? DecisionReasonCode.FeaturesGainTooSmall : DecisionReasonCode.ProbeDoesNotBeatMean,
            Value = beatsMean ? gain.Gain : best.Score,
            Threshold = beatsMean ? needed : 0,
            Strategy = prior.Strategy,
            Text = Invariant.F($"But condition (c) fails on the target: {measured} — {shortfall}. The frozen features do not measurably help, and freezing them would keep the network from learning its own."),
        });
        reasons.Add(new()
        {
            Code = DecisionReasonCode.FromScratchForUnhelpfulFeatures,
            Strategy = TransferStrategy.FromScratch,
            Text = context.Setup.Extractor is null
                ? "Train from scratch instead: every strategy that trains more keeps no frozen layer, FullFineTune's needs are not met (above), and the probes show no advantage in the pretrained weights to start from."
                : "Train from scratch instead, on the raw inputs (TransferOptions.FromScratchBody in the feature extractor's place): the features the rule would freeze do not help, and no strategy may train the extractor itself.",
        });
        return new TransferDecision { Strategy = TransferStrategy.FromScratch, Reasons = reasons };
    }
}
