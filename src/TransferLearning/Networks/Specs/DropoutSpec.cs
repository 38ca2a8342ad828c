namespace TransferLearning.Networks;

/// <summary>An inverted-dropout layer yet to be built (see <see cref="LayerSpec.Dropout(float)"/>); its mask seed is drawn from the network's generator.</summary>
public sealed record DropoutSpec : LayerSpec
{
    /// <summary>Creates the specification.</summary>
    /// <param name="rate">The drop probability <c>p</c>, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    internal DropoutSpec(float rate)
    {
        Rate = rate;
    }

    /// <summary>Gets the drop probability <c>p</c>, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1) or to NaN.</exception>
    public float Rate
    {
        get;
        init
        {
            Guard.InRange(value, 0f, 1f, nameof(Rate));
            field = value;
        }
    }

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => inputSize;

    /// <inheritdoc />
    public override long ParameterCount(int inputSize) => 0;

    /// <inheritdoc />
    public override string ToString() => Invariant.F($"Dropout(p = {Rate})");

    internal override Layer Build(int inputSize, Random random) => DropoutLayer.Create(inputSize, Rate, random.Next());
}
