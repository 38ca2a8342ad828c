using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>The settings of a <see cref="Trainer"/>, validated when set.</summary>
public sealed record TrainingOptions
{
    /// <summary>Gets the number of passes over the training set, at least 1. The default is 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Epochs
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(Epochs));
            field = value;
        }
    } = 10;

    /// <summary>Gets the number of examples per mini-batch, at least 1. The default is 32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int BatchSize
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(BatchSize));
            field = value;
        }
    } = 32;

    /// <summary>Gets the optimiser settings. The default is Adam with learning rate 1e-3.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public OptimizerOptions Optimizer
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Optimizer));
    } = new AdamOptions { LearningRate = 1e-3f };

    /// <summary>Gets the learning-rate schedule. The default is <see cref="LearningRateSchedule.Constant"/>.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public LearningRateSchedule Schedule
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Schedule));
    } = LearningRateSchedule.Constant;

    /// <summary>Gets the loss; <see langword="null"/> (the default) picks <see cref="Loss.For(Activation)"/> of the output activation.</summary>
    public Loss? Loss { get; init; }

    /// <summary>
    /// Gets how the classes of a classification training set weigh in the loss: <see cref="ClassWeighting.Balanced"/>
    /// weighs an example of class <c>c</c> by <c>w_c = m / (k'·n_c)</c> (inverse frequency in the training set, averaging 1),
    /// so that a rare class is not trained away; each mini-batch's loss is then <c>J = (1/m_B)·Σ_j w_{y_j}·L_j</c> and its
    /// gradient <c>dZ_j</c> is scaled by <c>w_{y_j}</c>. The validation loss (what early stopping watches) is weighted with the
    /// training set's weights alike; a class without training examples weighs 1. No effect on regression targets.
    /// The default is <see cref="ClassWeighting.None"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not a <see cref="Training.ClassWeighting"/>.</exception>
    public ClassWeighting ClassWeighting
    {
        get;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(ClassWeighting), value, Invariant.F($"Expected ClassWeighting.None or ClassWeighting.Balanced but got {(int)value}."));
            }

            field = value;
        }
    }

    /// <summary>Gets a value indicating whether the examples are shuffled every epoch. The default is <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Gets how a <see cref="Data.DataSource"/> is shuffled when <see cref="Shuffle"/> is on: chunks of consecutive examples in a
    /// seeded random order, then a seeded random order within a window of chunks (the maths is in <see cref="Training.StreamingShuffle"/>).
    /// </summary>
    /// <value>The default is <c>new StreamingShuffle()</c>: chunks of 1,024 examples, windows of 64 chunks.</value>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public StreamingShuffle StreamingShuffle
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = new();

    /// <summary>
    /// Gets how often, in mini-batches, the weights are checkpointed for divergence recovery: a run whose
    /// loss or weights become NaN or ∞ stops with the weights of the last checkpoint, which are weights
    /// whose mini-batch loss was finite, at most this many mini-batches back. 1 keeps the very last
    /// finite weights at the price of one copy of the trainable parameters per mini-batch (about 2.5 % of
    /// a W1 epoch); at least 1. The default is 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int DivergenceCheckpointInterval
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(DivergenceCheckpointInterval));
            field = value;
        }
    } = 10;

    /// <summary>
    /// Gets the factor by which a finite mini-batch loss may exceed its reference before the run counts as
    /// diverged: the reference is the larger of the run's first mini-batch loss and the lowest mean training
    /// loss of a completed epoch. A NaN or ∞ loss always diverges; <see cref="double.PositiveInfinity"/> keeps
    /// only that test. Greater than 1.
    /// </summary>
    /// <value>The default is 10,000 (a softmax loss that starts near ln 10 ≈ 2.3 diverges above 23,000).</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to 1 or less, or NaN.</exception>
    public double DivergenceLossFactor
    {
        get;
        init
        {
            if (!(value > 1))
            {
                throw new ArgumentOutOfRangeException(nameof(DivergenceLossFactor), value, Invariant.F($"Expected a factor greater than 1 but got {value}."));
            }

            field = value;
        }
    } = 1e4;

    /// <summary>Gets the seed of the shuffle. The default is 0.</summary>
    public int Seed { get; init; }

    /// <summary>Gets early stopping, or <see langword="null"/> (the default) to run every epoch.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>
    /// Gets a value indicating whether the outputs of a wholly frozen bottom part of the network are
    /// computed once per data set and reused every epoch (same result, less work). The default is <see langword="true"/>.
    /// </summary>
    public bool CacheFrozenFeatures { get; init; } = true;

    /// <summary>
    /// Gets where and how often a training checkpoint is saved, or <see langword="null"/> (the default) for none. A run
    /// goes on from a checkpoint with <see cref="Trainer.Resume"/>.
    /// </summary>
    public CheckpointOptions? Checkpoint { get; init; }

    /// <summary>
    /// Gets a function that groups the network's parameters (for per-group learning rates, decay or
    /// L2-SP), or <see langword="null"/> (the default) for one group of every parameter that is not frozen.
    /// </summary>
    public Func<Network, IReadOnlyList<ParameterGroup>>? ParameterGroups { get; init; }
}
