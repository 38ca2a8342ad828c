using System.Collections.ObjectModel;
using System.Globalization;
using TransferLearning.Networks.Activations;

namespace TransferLearning.Networks;

/// <summary>
/// The element-wise (or, for softmax, column-wise) function <c>g[l]</c> of a dense layer:
/// <c>A[l] = g[l](Z[l])</c>.
/// </summary>
/// <remarks>
/// <para>
/// Use the static members: <see cref="Identity"/>, <see cref="ReLU"/>, <see cref="LeakyReLU(float)"/>,
/// <see cref="Sigmoid"/>, <see cref="Tanh"/> and <see cref="Softmax"/> (output layer only).
/// </para>
/// <para>
/// An activation's public identity is its <see cref="Kind"/> and its <see cref="Settings"/> (<c>LeakyReLU</c>
/// with <c>slope</c> = 0.01): a saved file stores it as <see cref="Name"/> (<c>LeakyReLU(0.01)</c>) and the ONNX
/// export maps the kind to an operator. Two activations with the same identity compute the same function. The
/// kinds are registered in one place, <see cref="Create"/>: a new kind is one new file in <c>Activations/</c>
/// plus one line there.
/// </para>
/// </remarks>
public abstract class Activation
{
    private protected Activation(string kind, params KeyValuePair<string, float>[] settings)
    {
        Kind = kind;
        Settings = new ReadOnlyDictionary<string, float>(settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal));
        Name = settings.Length == 0
            ? kind
            : kind + "(" + string.Join(", ", settings.Select(s => s.Value.ToString("R", CultureInfo.InvariantCulture))) + ")";
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

    /// <summary>
    /// Gets the kind of function: <c>Identity</c>, <c>ReLU</c>, <c>LeakyReLU</c>, <c>Sigmoid</c>, <c>Tanh</c> or
    /// <c>Softmax</c>. With <see cref="Settings"/> it identifies the activation.
    /// </summary>
    public string Kind { get; }

    /// <summary>Gets the kind's numeric settings by name (<c>slope</c> for <c>LeakyReLU</c>); empty for the other kinds.</summary>
    public IReadOnlyDictionary<string, float> Settings { get; }

    /// <summary>
    /// Gets the activation's name: the <see cref="Kind"/>, followed by the settings' values in parentheses when it has
    /// any (<c>ReLU</c>, <c>LeakyReLU(0.01)</c>). It is the form a saved file stores.
    /// </summary>
    public string Name { get; }

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

    /// <summary>Returns whether <paramref name="obj"/> is an activation of the same identity: the same <see cref="Kind"/> and <see cref="Settings"/>.</summary>
    /// <param name="obj">The object to compare with.</param>
    /// <returns><see langword="true"/> when both compute the same function.</returns>
    public override bool Equals(object? obj) =>
        obj is Activation other && Kind == other.Kind && Name == other.Name;

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <summary>
    /// The activation whose <see cref="Name"/> is <paramref name="name"/> (<c>ReLU</c>, <c>LeakyReLU(0.01)</c>: the stored
    /// form), or <see langword="null"/> when no activation has it.
    /// </summary>
    internal static Activation? Parse(string name)
    {
        int open = name.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return Create(name, []);
        }

        if (!name.EndsWith(')'))
        {
            return null;
        }

        string[] parts = name[(open + 1)..^1].Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }

        try
        {
            return Create(name[..open], values);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The activation of <paramref name="kind"/> with the setting <paramref name="values"/> in the kind's order, or
    /// <see langword="null"/> when no kind has that name and that number of settings. The one registration of the
    /// kinds (what a file may name).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of the kind's range.</exception>
    internal static Activation? Create(string kind, ReadOnlySpan<float> values) => (kind, values.Length) switch
    {
        ("Identity", 0) => Identity,
        ("ReLU", 0) => ReLU,
        ("LeakyReLU", 1) => LeakyReLU(values[0]),
        ("Sigmoid", 0) => Sigmoid,
        ("Tanh", 0) => Tanh,
        ("Softmax", 0) => Softmax,
        _ => null,
    };

    /// <summary>
    /// Gets the slope of a ReLU-family activation that the inference products apply as they write each output
    /// (<c>max(z, slope·z)</c>), or NaN when they apply none.
    /// </summary>
    internal virtual float FusedSlope => float.NaN;

    /// <summary>Gets a value indicating whether the inference products leave nothing to apply after them (the ReLU family, fused; the identity).</summary>
    internal virtual bool IsAppliedByProducts => false;

    /// <summary>Gets a value indicating whether this is the softmax across each example's outputs (inference runs it across packed examples).</summary>
    internal virtual bool IsSoftmax => false;

    /// <summary>Gets the PyTorch module that computes the activation, as Python code (<c>nn.Tanh()</c>), or <see langword="null"/> for none (the identity).</summary>
    internal virtual string? PyTorchModule => $"nn.{Kind}()";

    /// <summary><c>A = g(Z)</c> over a column-major block with <paramref name="rows"/> rows.</summary>
    internal abstract void Forward(ReadOnlySpan<float> z, Span<float> a, int rows);

    /// <summary><c>dZ = dA ⊙ g'(Z)</c> (for softmax, the full Jacobian-vector product per column).</summary>
    internal abstract void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows);
}
