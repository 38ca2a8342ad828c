namespace TransferLearning.Transfer;

/// <summary>The settings of a <see cref="TransferAdvisor"/>, validated when set.</summary>
public sealed record AdvisorOptions
{
    /// <summary>
    /// Gets how many times more source than target examples condition (b) needs. The default is
    /// <see cref="DataSizePolicy.Default"/>'s <see cref="DataSizePolicy.MinSourceToTargetRatio"/> (10), so
    /// that the advisor and the policy agree unless told otherwise.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public double MinSourceToTargetRatio
    {
        get;
        init
        {
            Guard.Positive(value, nameof(MinSourceToTargetRatio));
            field = value;
        }
    } = DataSizePolicy.Default.MinSourceToTargetRatio;

    /// <summary>
    /// Gets how much better (accuracy, or R² for regression) the best pretrained layer's linear probe must
    /// score than the probe on the raw inputs for condition (c) to hold; ≥ 0. The default is 0.02 (2 points).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double MinProbeGain
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(MinProbeGain));
            field = value;
        }
    } = 0.02;

    /// <summary>Gets the share of the target held out to score each probe, in (0, 1). The default is 0.3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 1).</exception>
    public double ProbeHoldoutFraction
    {
        get;
        init
        {
            Guard.Fraction(value, nameof(ProbeHoldoutFraction));
            field = value;
        }
    } = 0.3;

    /// <summary>Gets the number of random hold-outs each probe is scored on (scores are averaged), at least 1. The default is 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int ProbeRepeats
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(ProbeRepeats));
            field = value;
        }
    } = 3;

    /// <summary>Gets the epochs each linear probe trains (Adam, batches of 32), at least 1. The default is 100.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int ProbeEpochs
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(ProbeEpochs));
            field = value;
        }
    } = 100;

    /// <summary>Gets the probes' Adam learning rate; finite and &gt; 0. The default is 0.01.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public float ProbeLearningRate
    {
        get;
        init
        {
            Guard.Positive(value, nameof(ProbeLearningRate));
            field = value;
        }
    } = 0.01f;

    /// <summary>Gets the seed of the hold-outs and the probes' weights. The default is 0.</summary>
    public int Seed { get; init; }
}
