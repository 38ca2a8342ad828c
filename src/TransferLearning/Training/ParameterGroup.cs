using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Parameters that an optimiser updates with the same settings: a learning-rate scale (so a pretrained
/// body can train slower than a new head), L2 weight decay, and L2-SP decay towards starting values.
/// </summary>
/// <remarks>
/// The gradient an optimiser uses for a parameter <c>w</c> of this group is
/// <c>g = ∂J/∂w + λ·w + α·(w − w₀)</c>, where <c>λ</c> is <see cref="WeightDecay"/> (or the optimiser's),
/// <c>α</c> is <see cref="AnchorDecay"/> and <c>w₀</c> is the value of <c>w</c> when the group was
/// created (L2-SP: "stay near the pretrained weights"). A frozen parameter in a group is skipped entirely.
/// </remarks>
public sealed class ParameterGroup
{
    private readonly float[]?[] _anchors;

    /// <summary>Creates a group.</summary>
    /// <param name="parameters">The parameters; at least one.</param>
    /// <param name="learningRateScale">Multiplies the optimiser's learning rate for this group; finite and &gt; 0. The default is 1.</param>
    /// <param name="weightDecay">L2 decay towards zero, ≥ 0; <see langword="null"/> (the default) uses the optimiser's.</param>
    /// <param name="anchorDecay">L2-SP decay towards the values the parameters have now, ≥ 0. The default is 0 (off).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rate or decay is out of range.</exception>
    public ParameterGroup(IEnumerable<Parameter> parameters, float learningRateScale = 1f, float? weightDecay = null, float anchorDecay = 0f)
        : this(parameters, learningRateScale, weightDecay, anchorDecay, anchors: null)
    {
    }

    /// <summary>Creates a group whose L2-SP anchors <c>w₀</c> are given (one array per parameter, in order) rather than taken now.</summary>
    internal ParameterGroup(IEnumerable<Parameter> parameters, float learningRateScale, float? weightDecay, float anchorDecay, IReadOnlyList<float[]>? anchors)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0)
        {
            throw new ArgumentException("Expected at least one parameter but got none.", nameof(parameters));
        }

        if (Parameters.Any(p => p is null))
        {
            throw new ArgumentException("Expected no null parameters.", nameof(parameters));
        }

        Guard.Positive(learningRateScale, nameof(learningRateScale));
        if (weightDecay is { } wd)
        {
            Guard.NonNegative(wd, nameof(weightDecay));
        }

        Guard.NonNegative(anchorDecay, nameof(anchorDecay));
        LearningRateScale = learningRateScale;
        WeightDecay = weightDecay;
        AnchorDecay = anchorDecay;
        _anchors = Parameters.Select((p, i) => anchorDecay > 0 ? anchors?[i] ?? p.Values.ToArray() : null).ToArray();
    }

    /// <summary>Gets the parameters.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Gets the learning-rate multiplier. The default is 1.</summary>
    public float LearningRateScale { get; }

    /// <summary>Gets the L2 weight decay, or <see langword="null"/> to use the optimiser's.</summary>
    public float? WeightDecay { get; }

    /// <summary>Gets the L2-SP decay towards the starting values. The default is 0.</summary>
    public float AnchorDecay { get; }

    internal ReadOnlySpan<float> AnchorOf(int index) => _anchors[index];

    /// <summary>The anchor <c>w₀</c> of parameter <paramref name="index"/> as its array (to save or restore it), or <see langword="null"/> without L2-SP.</summary>
    internal float[]? AnchorArray(int index) => _anchors[index];
}
