namespace TransferLearning.Training;

/// <summary>
/// The settings of an optimiser, validated when set; <see cref="Create(IReadOnlyList{ParameterGroup})"/>
/// builds the optimiser for a set of parameter groups.
/// </summary>
public abstract record OptimizerOptions
{
    /// <summary>Gets the base learning rate <c>η</c>; finite and &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public required float LearningRate
    {
        get;
        init
        {
            Guard.Positive(value, nameof(LearningRate));
            field = value;
        }
    }

    /// <summary>Gets the L2 weight decay <c>λ</c> added to every gradient as <c>λ·w</c>; finite and ≥ 0. The default is 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and ≥ 0.</exception>
    public float WeightDecay
    {
        get;
        init
        {
            Guard.NonNegative(value, nameof(WeightDecay));
            field = value;
        }
    }

    /// <summary>Creates the optimiser over <paramref name="groups"/>.</summary>
    /// <param name="groups">The parameter groups; at least one, no parameter twice.</param>
    /// <returns>The optimiser, with fresh state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="groups"/> is empty or repeats a parameter.</exception>
    public abstract Optimizer Create(IReadOnlyList<ParameterGroup> groups);
}
