namespace TransferLearning.Transfer;

/// <summary>The settings of a <see cref="TransferAdvisor"/>, validated when set.</summary>
public sealed record AdvisorOptions
{
    /// <summary>
    /// Gets how many times more source than target examples condition (b) needs. The default is 10. The
    /// one home of this threshold: <see cref="DataSizePolicy"/> applies the ratio of its
    /// <see cref="DataSizePolicy.FeatureCheck"/>, so the advisor and the policy agree unless told otherwise.
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
    } = 10;

    /// <summary>
    /// Gets how many top layers of the pretrained network the transfer removes (as <see cref="TransferOptions.RemovedLayers"/>):
    /// condition (c) is judged on the layers it keeps, the best of them named; the removed ones are probed too, and
    /// the advice says so when one of them would serve better. ≥ 0. The default is 1, the source's output layer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public int RemovedLayers
    {
        get;
        init
        {
            Guard.AtLeast(value, 0, nameof(RemovedLayers));
            field = value;
        }
    } = 1;

    /// <summary>
    /// Gets how much the best pretrained layer's linear probe must gain over the raw inputs' (balanced accuracy, or
    /// R² for regression), besides being more than noise, for condition (c) to hold; ≥ 0. The default is
    /// 0.02 (2 points): a smaller gain, even if real, is not worth freezing a body for.
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

    /// <summary>
    /// Gets the number of stratified folds each probe is cross-validated over, at least 2 (at most the
    /// target's examples). The default is 10: with fewer, the training parts overlap less but the
    /// corrected interval is wider (its variance grows with <c>n_test/n_train</c>: 0.25 at 5 folds, 0.11 at 10).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 2.</exception>
    public int ProbeFolds
    {
        get;
        init
        {
            Guard.AtLeast(value, 2, nameof(ProbeFolds));
            field = value;
        }
    } = 10;

    /// <summary>Gets how many times the cross-validation is repeated with new folds (the gain is averaged over repeats × folds), at least 1. The default is 3.</summary>
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

    /// <summary>
    /// Gets the number of label shuffles whose gains make the permutation baseline, ≥ 0 (0 turns the
    /// baseline off). The default is 19: a real gain must beat all 19, a one-sided test at the 5 % level.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 0.</exception>
    public int Permutations
    {
        get;
        init
        {
            Guard.AtLeast(value, 0, nameof(Permutations));
            field = value;
        }
    } = 19;

    /// <summary>Gets the confidence level of the gain's interval, in (0, 1). The default is 0.95.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 1).</exception>
    public double ConfidenceLevel
    {
        get;
        init
        {
            Guard.Fraction(value, nameof(ConfidenceLevel));
            field = value;
        }
    } = 0.95;

    /// <summary>
    /// Gets the ridge strength ρ of the probes: <c>λ = ρ·m</c> for <c>m</c> training examples, i.e. ρ is
    /// added to every eigenvalue of the standardised features' covariance; ≥ 0. The default is 10
    /// (measured on the synthetic latent tasks at 10 and 30 examples per class and on Fashion-MNIST: 0.01–1
    /// overfit the few target examples and hid real gains; 10–100 scored alike).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double ProbeRidge
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(ProbeRidge));
            field = value;
        }
    } = 10;

    /// <summary>Gets the seed of the folds and the label shuffles. The default is 0.</summary>
    public int Seed { get; init; }
}
