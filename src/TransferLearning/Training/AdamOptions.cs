using System.Globalization;

namespace TransferLearning.Training;

/// <summary>Settings of <see cref="Adam"/>.</summary>
public sealed record AdamOptions : OptimizerOptions
{
    /// <summary>Gets <c>β₁</c>, the decay of the first moment, in [0, 1). The default is 0.9.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [0, 1).</exception>
    public float Beta1
    {
        get;
        init
        {
            Guard.InRange(value, 0f, 1f, nameof(Beta1));
            field = value;
        }
    } = 0.9f;

    /// <summary>Gets <c>β₂</c>, the decay of the second moment, in [0, 1). The default is 0.999.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [0, 1).</exception>
    public float Beta2
    {
        get;
        init
        {
            Guard.InRange(value, 0f, 1f, nameof(Beta2));
            field = value;
        }
    } = 0.999f;

    /// <summary>Gets <c>ε</c>, added to <c>√v̂</c>; finite and &gt; 0. The default is 1e-8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not finite and &gt; 0.</exception>
    public float Epsilon
    {
        get;
        init
        {
            Guard.Positive(value, nameof(Epsilon));
            field = value;
        }
    } = 1e-8f;

    /// <inheritdoc />
    public override Optimizer Create(IReadOnlyList<ParameterGroup> groups) => new Adam(groups, this);

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Adam(lr {LearningRate}, β1 {Beta1}, β2 {Beta2}{(WeightDecay > 0 ? Invariant.F($", weight decay {WeightDecay}") : string.Empty)})");
}
