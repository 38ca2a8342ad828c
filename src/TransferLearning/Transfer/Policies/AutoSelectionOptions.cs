namespace TransferLearning.Transfer;

/// <summary>The settings of <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>, validated when set.</summary>
public sealed record AutoSelectionOptions
{
    /// <summary>
    /// Gets the strategies to measure beside <see cref="DataSizePolicy.Default"/>'s choice (measured too, listed or
    /// not). The default is FromScratch, HeadOnly, LastLayers(1), FullFineTune and TwoPhase.
    /// <see cref="TransferStrategy.FromScratch"/> is always measured, listed or not (in full by Default's evidence
    /// or when it survives the first rung), so that it can replace a transfer that hurts.
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
    /// Gets the number of stratified parts the target is cut into; one part is held out (more for small
    /// targets, see <see cref="MinHeldOutExamples"/>) and the candidates train on the rest; a large target
    /// (<see cref="LargeTargetExamplesPerClass"/>) is cut into three instead. From 2; at most
    /// the number of target examples. The default is 5 (a fifth held out).
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
    /// Gets the share of the epochs every candidate trains before the clearly worse are dropped (successive
    /// halving's first rung), in (0, 1]. The default is 0.25.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside (0, 1].</exception>
    public double FirstRungEpochFraction
    {
        get;
        init
        {
            if (!(value > 0 && value <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(FirstRungEpochFraction), value, Invariant.F($"Expected a fraction in (0, 1] but got {value}."));
            }

            field = value;
        }
    } = 0.25;

    /// <summary>
    /// Gets how many candidates besides the baseline (Default's choice, always kept) train on to the full epochs
    /// after the first rung, at least 1. The default is 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Survivors
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(Survivors));
            field = value;
        }
    } = 1;

    /// <summary>
    /// Gets how many target examples the final comparison should be scored on, at least 1: while the held-out
    /// parts hold fewer, the survivors are also trained in full on the next part and scored there (up to
    /// <see cref="Folds"/> parts). Small targets train fast but score noisily. The default is 100.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MinHeldOutExamples
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(MinHeldOutExamples));
            field = value;
        }
    } = 100;

    /// <summary>
    /// Gets the examples in the smallest class (a regression target: a tenth of its examples) from which a target is
    /// large: the candidates then train on one stratified third of it, for the epochs of the final training, and are
    /// scored on the other two thirds (a third of the cost of training on the rest of <see cref="Folds"/> parts; the
    /// score on two thirds is less noisy). Below it the parts of <see cref="Folds"/> and <see cref="MinHeldOutExamples"/>
    /// hold. Finite and ≥ 0. The default is 100, where <see cref="DataSizePolicy.Default"/> makes the same switch.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double LargeTargetExamplesPerClass
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(LargeTargetExamplesPerClass));
            field = value;
        }
    } = 100;

    /// <summary>
    /// Gets how sure the measurement must be before another candidate replaces <see cref="DataSizePolicy.Default"/>'s
    /// choice, the baseline: it must beat it on the target's metric, on the held-out examples both were scored on, by
    /// more than this many paired-bootstrap standard errors of the difference. Finite and ≥ 0; 0 picks the best. The
    /// default is 2: Default's choice is itself measured on the same parts (on TransferBench's Fashion-MNIST set-ups
    /// from 100 per class, mean regret 0.07 points; 0.11 with a tie within 2 broken by the true-class probability).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public double RequiredStandardErrorsAgainstDefault
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(RequiredStandardErrorsAgainstDefault));
            field = value;
        }
    } = 2;

    /// <summary>Gets where Auto reports each candidate it has measured, or <see langword="null"/> (the default) for nowhere.</summary>
    public IProgress<AutoSelectionProgress>? Progress { get; init; }

    /// <summary>
    /// Gets how sure the measurement must be before a transfer strategy replaces the FromScratch baseline, which
    /// it is only where <see cref="DataSizePolicy.Default"/>'s own trainings diverged (otherwise see
    /// <see cref="RequiredStandardErrorsAgainstDefault"/>): its held-out score must beat FromScratch's by more than
    /// this many paired-bootstrap standard errors of the
    /// difference (on the target's metric; where it does not, on the class-balanced mean probability of the true
    /// class). ≥ 0; 0 picks the best. The default is 0.5 (measured on TransferBench's Fashion-MNIST set-ups: at 1.5,
    /// a frozen body that wins by 2 points near a ceiling was dropped on one seed in two).
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
}
