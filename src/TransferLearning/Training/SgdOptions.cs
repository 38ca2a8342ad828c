using System.Globalization;

namespace TransferLearning.Training;

/// <summary>Settings of <see cref="Sgd"/>: plain, momentum or Nesterov SGD.</summary>
public sealed record SgdOptions : OptimizerOptions
{
    /// <summary>Gets the momentum <c>μ</c>, in [0, 1). The default is 0 (plain SGD).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside [0, 1).</exception>
    public float Momentum
    {
        get;
        init
        {
            Guard.InRange(value, 0f, 1f, nameof(Momentum));
            field = value;
        }
    }

    /// <summary>Gets a value indicating whether to use Nesterov momentum. The default is <see langword="false"/>.</summary>
    /// <exception cref="ArgumentException">Set to <see langword="true"/> while <see cref="Momentum"/> is 0 (checked by <see cref="Create"/>).</exception>
    public bool Nesterov { get; init; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><see cref="Nesterov"/> is set without momentum.</exception>
    public override Optimizer Create(IReadOnlyList<ParameterGroup> groups)
    {
        if (Nesterov && Momentum == 0)
        {
#pragma warning disable CA2208 // The argument at fault is the Nesterov option the caller set, not a parameter of Create.
            throw new ArgumentException("Nesterov momentum needs Momentum > 0 but Momentum is 0.", nameof(Nesterov));
#pragma warning restore CA2208
        }

        return new Sgd(groups, this);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"SGD(lr {LearningRate}{(Momentum > 0 ? Invariant.F($", momentum {Momentum}") : string.Empty)}{(Nesterov ? ", Nesterov" : string.Empty)}{(WeightDecay > 0 ? Invariant.F($", weight decay {WeightDecay}") : string.Empty)})");
}
