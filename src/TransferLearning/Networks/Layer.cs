using TransferLearning.Compute;

namespace TransferLearning.Networks;

/// <summary>
/// One layer of a <see cref="Network"/>: it maps <c>A[l-1]</c> (<see cref="InputSize"/> rows, one column per
/// example) to <c>A[l]</c> (<see cref="OutputSize"/> rows), owns its <see cref="Parameters"/>, and can be
/// frozen, unfrozen and cloned. The kinds are <see cref="DenseLayer"/>, <see cref="DropoutLayer"/> and
/// <see cref="BatchNormLayer"/>; the static methods make specifications of layers yet to be built
/// (<c>Layer.Dense(10, Activation.Softmax)</c>) for <see cref="Network.Add(LayerSpec)"/> and transfer heads.
/// </summary>
/// <remarks>
/// <para>
/// The contract every kind fulfils (internally): an inference forward pass that changes nothing, a training
/// forward pass that records in a per-run workspace what its backward pass needs, and a backward pass that,
/// given <c>dA[l]</c>, writes the gradients of the parameters that train and, when asked, <c>dA[l-1]</c>.
/// </para>
/// <para>
/// A frozen layer is bit-for-bit unchanged by training and behaves as at inference: a frozen
/// <see cref="DropoutLayer"/> passes its input through, a frozen <see cref="BatchNormLayer"/> normalises with its
/// running statistics and does not update them.
/// </para>
/// </remarks>
public abstract class Layer
{
    private bool _frozen;

    private protected Layer()
    {
    }

    /// <summary>Gets <c>n[l-1]</c>, the number of inputs.</summary>
    public abstract int InputSize { get; }

    /// <summary>Gets <c>n[l]</c>, the number of outputs.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Gets the parameters that training may change, with their stable names (<c>layers.0.weight</c>); empty for a dropout layer.</summary>
    public abstract IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// Gets the layer's state that is saved with it but never trained by an optimiser (a batch-normalisation
    /// layer's running mean and variance, <c>layers.1.running_mean</c>); empty for most kinds.
    /// </summary>
    public virtual IReadOnlyList<Parameter> Buffers => [];

    /// <summary>Gets the number of scalar parameters.</summary>
    public int ParameterCount
    {
        get
        {
            int count = 0;
            var parameters = Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                count += parameters[i].Length;
            }

            return count;
        }
    }

    /// <summary>
    /// Gets a value indicating whether the layer is frozen: every parameter is frozen (for a layer without
    /// parameters, <see cref="Freeze"/> was called last). A frozen layer behaves as at inference.
    /// </summary>
    public bool IsFrozen
    {
        get
        {
            var parameters = Parameters;
            if (parameters.Count == 0)
            {
                return _frozen;
            }

            for (int i = 0; i < parameters.Count; i++)
            {
                if (!parameters[i].IsFrozen)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Gets a value indicating whether any parameter of the layer trains.</summary>
    public bool IsTrainable
    {
        get
        {
            var parameters = Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                if (!parameters[i].IsFrozen)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The network this layer belongs to, if any: a layer belongs to one network at a time.</summary>
    internal Network? Owner { get; set; }

    /// <summary>A dense layer of <paramref name="units"/> units, yet to be built.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser, or <see langword="null"/> (the default) for the activation's default.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    public static DenseSpec Dense(int units, Activation activation, Initializer? initializer = null) => new(units, activation, initializer);

    /// <summary>An inverted-dropout layer that zeroes each value with probability <paramref name="rate"/> in training, yet to be built.</summary>
    /// <param name="rate">The drop probability <c>p</c>, in [0, 1).</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    public static DropoutSpec Dropout(float rate)
    {
        Guard.InRange(rate, 0f, 1f, nameof(rate));
        return new(rate);
    }

    /// <summary>A batch-normalisation layer over the features, yet to be built.</summary>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1]. The default is 0.1.</param>
    /// <param name="epsilon">The variance floor <c>ε</c>, positive. The default is 1e-5.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static BatchNormSpec BatchNorm(float momentum = BatchNormLayer.DefaultMomentum, float epsilon = BatchNormLayer.DefaultEpsilon)
    {
        BatchNormLayer.ValidateMomentum(momentum, nameof(momentum));
        Guard.Positive(epsilon, nameof(epsilon));
        return new(momentum, epsilon);
    }

    /// <summary>Freezes the layer: its parameters stay bit-for-bit unchanged through training, and it behaves as at inference.</summary>
    public void Freeze()
    {
        _frozen = true;
        foreach (var p in Parameters)
        {
            p.IsFrozen = true;
        }
    }

    /// <summary>Lets the layer train.</summary>
    public void Unfreeze()
    {
        _frozen = false;
        foreach (var p in Parameters)
        {
            p.IsFrozen = false;
        }
    }

    /// <summary>Returns a deep copy (same values and freezing) that belongs to no network.</summary>
    /// <returns>The copy; changing it does not change this layer.</returns>
    public abstract Layer Clone();

    /// <summary>Returns the specification of this layer's kind and settings, without its values: <see cref="Network.Add(LayerSpec)"/> builds a fresh one from it.</summary>
    /// <returns>The specification.</returns>
    public abstract LayerSpec ToSpec();

    /// <summary>Gives the parameters and buffers the names of layer <paramref name="index"/> (<c>layers.{index}.weight</c>).</summary>
    internal void Rename(int index)
    {
        foreach (var p in Parameters)
        {
            p.Name = Invariant.F($"layers.{index}.{p.LocalName}");
        }

        foreach (var b in Buffers)
        {
            b.Name = Invariant.F($"layers.{index}.{b.LocalName}");
        }
    }

    /// <summary>The buffers one training run needs between this layer's forward and backward passes.</summary>
    internal abstract LayerState CreateState(int capacity);

    /// <summary>Whether <see cref="Infer"/> copies its input unchanged (dropout), so that inference may skip the layer.</summary>
    internal virtual bool IsIdentityAtInference => false;

    /// <summary>The number of scratch floats per example <see cref="Infer"/> needs (a dense layer's <c>Z</c>).</summary>
    internal virtual int InferenceScratchRows => 0;

    /// <summary>
    /// Inference: <paramref name="output"/> = the layer applied to <paramref name="input"/> for <paramref name="batch"/>
    /// columns. Changes nothing, so that many threads may infer at once; <paramref name="scratch"/> holds at least
    /// <see cref="InferenceScratchRows"/> × <paramref name="batch"/> floats.
    /// </summary>
    internal abstract void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch);

    /// <summary>Training forward pass: as <see cref="Infer"/>, recording in <paramref name="state"/> what <see cref="Backward"/> needs.</summary>
    internal abstract void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch);

    /// <summary>
    /// Given <c>dA[l]</c> in <paramref name="dOutput"/> (which it may overwrite), writes the gradients of the
    /// parameters that train and, when <paramref name="dInput"/> is not empty, <c>dA[l-1]</c>.
    /// </summary>
    internal abstract void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch);

    /// <summary>Copies this layer's freezing onto <paramref name="copy"/> (used by <see cref="Clone"/>).</summary>
    private protected T WithFreezingOf<T>(T copy)
        where T : Layer
    {
        copy._frozen = _frozen;
        return copy;
    }
}
