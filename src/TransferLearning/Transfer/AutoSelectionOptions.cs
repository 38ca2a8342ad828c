namespace TransferLearning.Transfer;

/// <summary>The settings of <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>, validated when set.</summary>
public sealed record AutoSelectionOptions
{
    /// <summary>
    /// Gets the strategies to measure. The default is FromScratch, HeadOnly, LastLayers(1), FullFineTune
    /// and TwoPhase. <see cref="TransferStrategy.FromScratch"/> is always measured, listed or not, so that
    /// a transfer that hurts is never chosen over the baseline.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Set to an empty list.</exception>
    public IReadOnlyList<TransferStrategy> Candidates
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Candidates));
            if (value.Count == 0)
            {
                throw new ArgumentException("Expected at least one candidate strategy but got none.", nameof(Candidates));
            }

            field = value;
        }
    } =
    [
        TransferStrategy.FromScratch,
        TransferStrategy.HeadOnly,
        TransferStrategy.LastLayers(1),
        TransferStrategy.FullFineTune,
        TransferStrategy.TwoPhase,
    ];

    /// <summary>
    /// Gets the number of stratified cross-validation folds: the target's training data is cut into this
    /// many parts and each candidate is trained on all but one and scored on the one left out, once per
    /// part, so every example is held out exactly once. From 2; at most the number of target examples.
    /// The default is 5.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 2.</exception>
    public int Folds
    {
        get;
        init
        {
            Guard.AtLeast(value, 2, nameof(Folds));
            field = value;
        }
    } = 5;

    /// <summary>
    /// Gets how sure the measurement must be before a transfer strategy replaces the FromScratch baseline:
    /// its mean gain over FromScratch must exceed this many standard errors of the per-fold gains. ≥ 0;
    /// 0 picks the best mean. The default is 0.5 (measured on the synthetic latent tasks at 10 and 30
    /// examples per class: 1 kept FromScratch too often where transfer helped; on unrelated tasks every
    /// setting from 0 to 1 kept FromScratch).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double RequiredStandardErrors
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(RequiredStandardErrors));
            field = value;
        }
    } = 0.5;

    /// <summary>Gets the seed of the folds. The default is 0.</summary>
    public int Seed { get; init; }
}
