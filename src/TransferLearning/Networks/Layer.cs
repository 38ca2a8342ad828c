using TransferLearning.Compute;

namespace TransferLearning.Networks;

/// <summary>
/// One layer of a <see cref="Network"/>: it maps <c>A[l-1]</c> (<see cref="InputSize"/> rows, one column per
/// example) to <c>A[l]</c> (<see cref="OutputSize"/> rows), owns its <see cref="Parameters"/>, and can be
/// frozen, unfrozen, cloned and re-initialised. The kinds are <see cref="DenseLayer"/>, <see cref="DropoutLayer"/>,
/// <see cref="BatchNormLayer"/> and, at the bottom only, <see cref="FeatureExtractorLayer"/>. A layer yet to be built is a <see cref="LayerSpec"/>
/// (<c>LayerSpec.Dense(10, Activation.Softmax)</c>) for <see cref="Network.Add(LayerSpec)"/> and transfer heads.
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
/// <para>
/// Each kind lives in one file that owns all of it (spec, passes, <see cref="ResetParameters"/>, file mapping);
/// the kinds are registered in one place, <c>LayerKinds</c>, keyed by <see cref="Kind"/>. Adding a kind is one
/// new file plus one registration line (see the notes on <c>LayerKinds</c>).
/// </para>
/// </remarks>
public abstract class Layer
{
    private bool _frozen;

    private protected Layer(string kind)
    {
        Kind = kind;
    }

    /// <summary>
    /// Gets the name of the layer's kind — <c>dense</c>, <c>dropout</c>, <c>batchnorm</c> or <c>extractor</c> — as a saved file stores
    /// it (<c>layers.{i}.kind</c>) and the ONNX export looks it up.
    /// </summary>
    public string Kind { get; }

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

    /// <summary>
    /// Gets a value indicating whether the layer may only be the output layer (a dense layer with softmax): no
    /// layer may be appended on top of it.
    /// </summary>
    internal virtual bool IsOutputOnly => false;

    /// <summary>
    /// Gets a value indicating whether the layer counts in the network's depth, as <c>RemovedLayers</c> and the
    /// transfer strategies count it (a dense layer does); a layer that does not (dropout, batch normalisation) goes
    /// with the counted layer below it.
    /// </summary>
    internal virtual bool CountsInDepth => false;

    /// <summary>Gets a value indicating whether the layer is the identity at inference (dropout), so that inference may skip it.</summary>
    internal virtual bool IsIdentityAtInference => false;

    /// <summary>
    /// Gets what a checkpoint records of the layer to recognise it on resume: its description, and for a kind whose
    /// description does not tell two apart (a feature extractor: its file, not its weights) what does.
    /// </summary>
    internal virtual string CheckpointDescription => Invariant.F($"{this}");

    /// <summary>
    /// Gets a value indicating whether the layer runs outside this library (a <see cref="FeatureExtractorLayer"/>):
    /// always frozen, always first, never rebuilt from a spec with fresh weights (FromScratch puts other layers in its place).
    /// </summary>
    internal virtual bool IsExternal => false;

    /// <summary>
    /// Gets the layer's modules in the equivalent PyTorch <c>nn.Sequential</c>, as Python code (<c>nn.Linear(784, 256)</c>,
    /// <c>nn.ReLU()</c>); its tensors are the first module's. <see langword="null"/> when PyTorch has no equivalent.
    /// </summary>
    internal virtual IReadOnlyList<string>? PyTorchModules => null;

    /// <summary>Gets a value indicating whether the PyTorch module also has a <c>num_batches_tracked</c> counter (<c>nn.BatchNorm1d</c>).</summary>
    internal virtual bool HasPyTorchBatchCounter => false;

    /// <summary>Freezes the layer: its parameters stay bit-for-bit unchanged through training, and it behaves as at inference.</summary>
    public void Freeze()
    {
        _frozen = true;
        foreach (var p in Parameters)
        {
            p.IsFrozen = true;
        }
    }

    /// <summary>Lets the layer train (a <see cref="FeatureExtractorLayer"/> stays frozen: the library cannot train it).</summary>
    public void Unfreeze()
    {
        if (IsExternal)
        {
            return;
        }

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

    /// <summary>
    /// Re-draws the parameters (and resets the buffers) as a freshly built layer of the same specification would
    /// have them, drawing any random value from <paramref name="random"/>: a dense layer's <c>W</c> from its
    /// initialiser and <c>b = 0</c>; a batch-normalisation layer's <c>γ = 1</c>, <c>β = 0</c>, <c>μ_run = 0</c>,
    /// <c>σ²_run = 1</c>; a dropout layer has nothing to reset. Freezing is kept. (PyTorch's <c>reset_parameters</c>.)
    /// </summary>
    /// <param name="random">The generator random values are drawn from (such as <c>Xoshiro256StarStar</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is <see langword="null"/>.</exception>
    public void ResetParameters(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Reset(random);
        foreach (var p in Parameters.Concat(Buffers))
        {
            p.MarkChanged();
        }
    }

    /// <summary>The kind's part of <see cref="ResetParameters"/>: writes the fresh values (the caller marks every parameter and buffer changed).</summary>
    internal abstract void Reset(Random random);

    /// <summary>Writes the kind's settings (not its tensors) to a saved file; its reader reads them back.</summary>
    internal abstract void WriteSettings(LayerRecordWriter record);

    /// <summary>
    /// The parameters and buffers with the shapes a file (and PyTorch) gives them, input side first: <c>[n]</c> for
    /// every one unless the kind says otherwise (a dense layer's weight is <c>[n[l], n[l-1]]</c>).
    /// </summary>
    internal virtual IEnumerable<(Parameter Parameter, int[] Shape)> SavedTensors()
    {
        foreach (var p in Parameters.Concat(Buffers))
        {
            yield return (p, [p.Length]);
        }
    }

    /// <summary>
    /// Checks values about to be loaded into <paramref name="target"/> beyond finiteness (a running variance must not be
    /// negative): the problem, such as <c>holds the negative variance -1 at element 3</c>, or <see langword="null"/>.
    /// </summary>
    internal virtual string? CheckValues(Parameter target, ReadOnlySpan<float> values) => null;

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
