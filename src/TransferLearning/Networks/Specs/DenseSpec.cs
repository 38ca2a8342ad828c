using System.Globalization;

namespace TransferLearning.Networks;

/// <summary>
/// A dense layer yet to be built: its size, activation and initialiser (see <see cref="LayerSpec.Dense(int, Activation, Initializer?)"/>).
/// </summary>
public sealed record DenseSpec : LayerSpec
{
    /// <summary>Creates the specification.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser, or <see langword="null"/> (the default) for the activation's default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is a softmax with one unit.</exception>
    internal DenseSpec(int units, Activation activation, Initializer? initializer = null)
    {
        Units = units;
        Activation = activation;
        Initializer = initializer;
        DenseLayer.EnsureSoftmaxHasClasses(units, activation, nameof(units));
    }

    /// <summary>Gets <c>n[l]</c>, at least 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int Units
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(Units));
            field = value;
        }
    }

    /// <summary>Gets the activation.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public Activation Activation
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Activation));
    }

    /// <summary>Gets the initialiser, or <see langword="null"/> for the activation's default.</summary>
    public Initializer? Initializer { get; init; }

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => Units;

    /// <summary>Returns the number of parameters the layer has on top of <paramref name="inputSize"/> inputs: <c>n[l]·(n[l-1] + 1)</c>.</summary>
    /// <param name="inputSize"><c>n[l-1]</c>.</param>
    /// <returns>The parameter count.</returns>
    public override long ParameterCount(int inputSize) => (long)Units * ((long)inputSize + 1);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Dense({Units}, {Activation.Name})");

    internal override Layer Build(int inputSize, Random random) => DenseLayer.Create(inputSize, Units, Activation, random, Initializer);
}
