using TransferLearning.Networks.Activations;

namespace TransferLearning.Networks;

/// <summary>
/// The element-wise (or, for softmax, column-wise) function <c>g[l]</c> of a dense layer:
/// <c>A[l] = g[l](Z[l])</c>.
/// </summary>
/// <remarks>
/// Use the static members: <see cref="Identity"/>, <see cref="ReLU"/>, <see cref="LeakyReLU(float)"/>,
/// <see cref="Sigmoid"/>, <see cref="Tanh"/> and <see cref="Softmax"/> (output layer only).
/// </remarks>
public abstract class Activation
{
    private protected Activation()
    {
    }

    /// <summary>Gets <c>g(z) = z</c>.</summary>
    public static Activation Identity { get; } = new IdentityActivation();

    /// <summary>Gets <c>g(z) = max(z, 0)</c>; <c>g'(z) = 1</c> for <c>z &gt; 0</c>, else 0.</summary>
    public static Activation ReLU { get; } = new LeakyReluActivation(0f);

    /// <summary>Gets <c>g(z) = 1 / (1 + e^(−z))</c>; <c>g'(z) = g(z)·(1 − g(z))</c>.</summary>
    public static Activation Sigmoid { get; } = new SigmoidActivation();

    /// <summary>Gets <c>g(z) = tanh z</c>; <c>g'(z) = 1 − tanh² z</c>.</summary>
    public static Activation Tanh { get; } = new TanhActivation();

    /// <summary>
    /// Gets the column-wise softmax <c>a_i = e^(z_i − max z) / Σ_k e^(z_k − max z)</c>. Allowed only in the
    /// output layer; paired with softmax cross-entropy its backward pass is <c>dZ[L] = A[L] − Y</c>.
    /// </summary>
    public static Activation Softmax { get; } = new SoftmaxActivation();

    /// <summary>Gets the activation's name, such as <c>ReLU</c> or <c>LeakyReLU(0.01)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Gets a value indicating whether the activation couples the outputs of one example (softmax), so
    /// that it may only be used in the output layer.
    /// </summary>
    public virtual bool IsOutputOnly => false;

    /// <summary>Gets the initialiser that suits this activation: He for the ReLU family, Xavier otherwise.</summary>
    public virtual Initializer DefaultInitializer => Initializer.Xavier;

    /// <summary>Returns the leaky ReLU <c>g(z) = z</c> for <c>z &gt; 0</c>, else <c>slope · z</c>.</summary>
    /// <param name="slope">The slope for negative inputs, in [0, 1). The default is 0.01.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slope"/> is outside [0, 1) or NaN.</exception>
    public static Activation LeakyReLU(float slope = 0.01f)
    {
        Guard.InRange(slope, 0f, 1f, nameof(slope));
        return new LeakyReluActivation(slope);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>
    /// Gets the slope of a ReLU-family activation that the inference products apply as they write each output
    /// (<c>max(z, slope·z)</c>), or NaN when they apply none.
    /// </summary>
    internal virtual float FusedSlope => float.NaN;

    /// <summary>Gets a value indicating whether the inference products leave nothing to apply after them (the ReLU family, fused; the identity).</summary>
    internal virtual bool IsAppliedByProducts => false;

    /// <summary>Gets a value indicating whether this is the softmax across each example's outputs (inference runs it across packed examples).</summary>
    internal virtual bool IsSoftmax => false;

    /// <summary><c>A = g(Z)</c> over a column-major block with <paramref name="rows"/> rows.</summary>
    internal abstract void Forward(ReadOnlySpan<float> z, Span<float> a, int rows);

    /// <summary><c>dZ = dA ⊙ g'(Z)</c> (for softmax, the full Jacobian-vector product per column).</summary>
    internal abstract void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows);
}
