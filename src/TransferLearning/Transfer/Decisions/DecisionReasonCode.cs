namespace TransferLearning.Transfer;

/// <summary>
/// What a <see cref="DecisionReason"/> says, as a code that programs and tests can check; the English text
/// is rendered from the code and the numbers. Each member documents what <see cref="DecisionReason.Value"/>
/// and <see cref="DecisionReason.Threshold"/> hold for it.
/// </summary>
public enum DecisionReasonCode
{
    /// <summary>Read from a file written before reasons carried codes: only <see cref="DecisionReason.Text"/> is known.</summary>
    Unspecified = 0,

    /// <summary>Condition (a) holds: source and target have the same inputs. Value: the target's inputs; threshold: the pretrained network's inputs.</summary>
    SameInput,

    /// <summary>Condition (a) fails: the input sizes differ. Value: the target's inputs; threshold: the pretrained network's inputs.</summary>
    DifferentInput,

    /// <summary>Condition (b) holds: enough source data. Value: source examples per target example; threshold: the ratio asked for.</summary>
    EnoughSourceData,

    /// <summary>Condition (b) fails: too little source data. Value: source examples per target example; threshold: the ratio asked for.</summary>
    TooLittleSourceData,

    /// <summary>Condition (b) cannot be checked: the source's example count is unknown. Value: the target's examples; threshold: the ratio asked for.</summary>
    SourceCountUnknown,

    /// <summary>Too little source data, so the policy trains from scratch. Strategy: FromScratch; value: the ratio; threshold: the ratio asked for.</summary>
    FromScratchForLittleSourceData,

    /// <summary>A strategy's needs are met and it is chosen. Strategy: the strategy; value: the target's examples per class (its smallest class, when known); threshold: the examples per class it needs.</summary>
    StrategyNeedsMet,

    /// <summary>A strategy needs more examples per class than the target has. Strategy: the strategy; value: the target's examples per class; threshold: the examples per class it needs.</summary>
    TooFewExamplesPerClass,

    /// <summary>A strategy would train too many parameters for the target's examples. Strategy: the strategy; value: the target's examples; threshold: the examples it needs.</summary>
    TooFewExamplesPerParameter,

    /// <summary>Little target data: only the new layers train. Strategy: HeadOnly; value: the target's examples per class; threshold: the examples per class the least demanding other strategy needs.</summary>
    LittleTargetData,

    /// <summary>Condition (c) holds: the pretrained features measurably help. Value: the probe gain; threshold: the gain asked for (<see cref="AdvisorOptions.MinProbeGain"/>).</summary>
    FeaturesHelp,

    /// <summary>Condition (c) fails: the probe gain is less than asked for. Value: the gain; threshold: the gain asked for.</summary>
    FeaturesGainTooSmall,

    /// <summary>Condition (c) fails: the gain's confidence interval includes zero. Value: the interval's lower end; threshold: 0.</summary>
    FeaturesGainIntervalIncludesZero,

    /// <summary>Condition (c) fails: the gain, in standard errors, is no more than the probes gain on shuffled targets. Value: the gain in standard errors; threshold: the permutation baseline in standard errors (<see cref="ProbeGain.StandardizedPermutationBaseline"/>).</summary>
    FeaturesGainWithinPermutationBaseline,

    /// <summary>Condition (c) fails: the best probe's R² does not beat predicting the mean. Value: the R²; threshold: 0.</summary>
    ProbeDoesNotBeatMean,

    /// <summary>Condition (c) was not measured, because condition (a) fails.</summary>
    FeaturesNotMeasured,

    /// <summary>The frozen features do not help, so the policy trains from scratch. Strategy: FromScratch.</summary>
    FromScratchForUnhelpfulFeatures,

    /// <summary>The caller fixed the strategy. Strategy: the strategy.</summary>
    FixedByCaller,

    /// <summary><c>Auto</c> measured the candidates on held-out target data. Value: the held-out examples the final comparison was scored on.</summary>
    CandidatesMeasured,

    /// <summary>One candidate's held-out score. Strategy: the candidate; value: its balanced accuracy (classification) or squared error (regression).</summary>
    CandidateScored,

    /// <summary>The best transfer candidate beat FromScratch within the noise, so FromScratch is kept. Strategy: the candidate; value: its mean gain per held-out example; threshold: the required standard errors × the standard error.</summary>
    GainWithinNoise,

    /// <summary>The best transfer candidate beat FromScratch by more than the noise. Strategy: the candidate; value: its mean gain per held-out example; threshold: the required standard errors × the standard error.</summary>
    GainBeyondNoise,

    /// <summary><c>Auto</c>'s choice, trained on the whole target. Strategy: the chosen strategy; value: the target's examples.</summary>
    Chosen,

    /// <summary>No transfer strategy clearly beat training from scratch. Strategy: FromScratch.</summary>
    NoTransferBeatFromScratch,

    /// <summary>
    /// The pipeline removed the pretrained network's top layers before putting the new layers on it (every
    /// transfer decision states it). Value: the number of dense layers removed (<see cref="TransferOptions.RemovedLayers"/>);
    /// threshold: the pretrained network's number of dense layers.
    /// </summary>
    TopLayersRemoved,

    /// <summary>
    /// The pretrained network starts with a <see cref="Networks.FeatureExtractor"/>, which runs outside the library and
    /// cannot train: strategies that would train every pretrained layer are not offered, and FromScratch trains
    /// <see cref="TransferOptions.FromScratchBody"/> in its place. Value: the extractor's features per example; threshold:
    /// the dense layers kept above it (the deepest LastLayers(k)).
    /// </summary>
    FeatureExtractorNotTrained,
}
