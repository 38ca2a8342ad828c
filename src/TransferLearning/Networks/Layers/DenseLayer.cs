using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;

namespace TransferLearning.Networks;

/// <summary>
/// A fully connected layer <c>l</c>: <c>Z[l] = W[l]·A[l-1] + b[l]</c>, <c>A[l] = g[l](Z[l])</c>, with examples as columns.
/// </summary>
/// <remarks>
/// <para>
/// <c>W[l]</c> is <c>n[l] × n[l-1]</c> and <c>b[l]</c> is <c>n[l]</c>. Backward, given <c>dA[l]</c> for a
/// mini-batch of <c>m</c> columns: <c>dZ[l] = dA[l] ⊙ g′[l](Z[l])</c>, <c>dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ</c>,
/// <c>db[l] = (1/m)·Σ_columns dZ[l]</c>, <c>dA[l-1] = W[l]ᵀ·dZ[l]</c>. For the output layer the loss
/// gives <c>dZ[L]</c> directly (<c>A[L] − Y</c> for softmax or sigmoid with cross-entropy).
/// </para>
/// <para>
/// A frozen parameter receives no gradient (its product is not computed); when nothing below a layer
/// trains, <c>dA[l-1]</c> is not computed either.
/// </para>
/// <para>
/// The layer that reads a training batch's inputs (the first layer, or the first that trains on cached features)
/// skips the terms of zero inputs in <c>W[l]·A[l-1]</c> and <c>dZ[l]·A[l-1]ᵀ</c> when the batch has enough of them
/// (images' background), on the managed backend with AVX2 or AVX-512: each sum is the dense product's, term for
/// term in the same order without the terms that are exactly 0, so the weights are the same bits as with the dense
/// products. A batch where fewer than 30 % of the multiply-adds would be skipped (any batch without zeros) runs the
/// dense products.
/// </para>
/// </remarks>
public sealed class DenseLayer : Layer, IAffineLayer
{
    /// <summary>The kind's name in files: <c>dense</c>.</summary>
    internal const string KindName = "dense";

    private readonly Initializer? _initializer;

    private DenseLayer(Parameter weight, Parameter bias, Activation activation, Initializer? initializer)
        : base(KindName)
    {
        Weight = weight;
        Bias = bias;
        Activation = activation;
        _initializer = initializer;
        Parameters = [weight, bias];
    }

    /// <summary>Gets <c>n[l-1]</c>, the number of inputs.</summary>
    public override int InputSize => Weight.Columns;

    /// <summary>Gets <c>n[l]</c>, the number of units.</summary>
    public override int OutputSize => Weight.Rows;

    /// <summary>Gets the activation <c>g[l]</c>.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// Gets the initialiser <see cref="Layer.ResetParameters"/> draws <c>W[l]</c> with, and a network built from
    /// <see cref="ToSpec"/> starts from: the one the layer was created with, or the activation's
    /// <see cref="Activation.DefaultInitializer"/>.
    /// </summary>
    public Initializer Initializer => _initializer ?? Activation.DefaultInitializer;

    /// <summary>Gets <c>W[l]</c>, <c>n[l] × n[l-1]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>Gets <c>b[l]</c>, <c>n[l] × 1</c>.</summary>
    public Parameter Bias { get; }

    /// <summary>Gets the layer's parameters: <see cref="Weight"/> then <see cref="Bias"/>.</summary>
    public override IReadOnlyList<Parameter> Parameters { get; }

    internal override int InferenceScratchRows => OutputSize;

    /// <inheritdoc />
    internal override bool IsOutputOnly => Activation.IsOutputOnly;

    /// <inheritdoc />
    internal override bool CountsInDepth => true;

    /// <summary>Gets <c>nn.Linear(n_in, n_out)</c> and the activation's module, if any.</summary>
    internal override IReadOnlyList<string> PyTorchModules =>
        Activation.PyTorchModule is string activation ? [Invariant.F($"nn.Linear({InputSize}, {OutputSize})"), activation] : [Invariant.F($"nn.Linear({InputSize}, {OutputSize})")];

    /// <summary>Creates a layer with weights drawn from <paramref name="random"/> and zero biases.</summary>
    /// <param name="inputSize"><c>n[l-1]</c>, at least 1.</param>
    /// <param name="outputSize"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="random">The generator the weights are drawn from.</param>
    /// <param name="initializer">The initialiser; <see langword="null"/> (the default) picks the activation's <see cref="Activation.DefaultInitializer"/>.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or <c>n[l]·n[l-1]</c> exceeds the largest array .NET can hold.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> or <paramref name="random"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is a softmax with a single unit (a constant output of 1).</exception>
    internal static DenseLayer Create(int inputSize, int outputSize, Activation activation, Random random, Initializer? initializer = null)
    {
        Guard.AtLeast(inputSize, 1, nameof(inputSize));
        Guard.AtLeast(outputSize, 1, nameof(outputSize));
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(random);
        EnsureWeightFits(inputSize, outputSize, nameof(outputSize));
        EnsureSoftmaxHasClasses(outputSize, activation, nameof(outputSize));
        var layer = new DenseLayer(
            new Parameter("weight", outputSize, inputSize, new float[outputSize * inputSize]),
            new Parameter("bias", outputSize, 1, new float[outputSize]),
            activation,
            initializer);
        layer.Initializer.Fill(layer.Weight.Data, inputSize, outputSize, random);
        return layer;
    }

    /// <summary>Creates a layer from existing weights (copied).</summary>
    /// <param name="weight"><c>W[l]</c>, <c>n[l] × n[l-1]</c>, finite.</param>
    /// <param name="bias"><c>b[l]</c>, length <c>n[l]</c>, finite.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The bias length differs from the weight's row count, a value is NaN or infinite, or the activation is a one-unit softmax.</exception>
    public static DenseLayer FromWeights(Matrix<float> weight, Vector<float> bias, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(activation);
        if (bias.Count != weight.RowCount)
        {
            throw new ArgumentException(
                $"Expected a bias of length {weight.RowCount} (the weight's row count) but got {bias.Count}.", nameof(bias));
        }

        EnsureSoftmaxHasClasses(weight.RowCount, activation, nameof(weight));
        var w = weight.ToColumnMajorArray();
        var b = bias.ToArray();
        Guard.AllFinite(w, nameof(weight), weight.RowCount);
        Guard.AllFinite(b, nameof(bias));
        return new DenseLayer(
            new Parameter("weight", weight.RowCount, weight.ColumnCount, w),
            new Parameter("bias", weight.RowCount, 1, b),
            activation,
            initializer: null);
    }

    /// <summary>Returns the specification: units, activation and initialiser (so that a network built from it starts as this layer did).</summary>
    /// <returns>The specification.</returns>
    public override DenseSpec ToSpec() => new(OutputSize, Activation, _initializer);

    /// <summary>Re-draws <c>W[l]</c> with <see cref="Initializer"/> from <paramref name="random"/> and sets <c>b[l] = 0</c>.</summary>
    internal override void Reset(Random random)
    {
        Initializer.Fill(Weight.Data, InputSize, OutputSize, random);
        Array.Clear(Bias.Data);
    }

    /// <summary>Returns a readable description, such as <c>Dense(784 → 512, ReLU) [401,920 params, frozen]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string state = IsFrozen ? ", frozen" : Weight.IsFrozen || Bias.IsFrozen ? ", partly frozen" : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Dense({InputSize} → {OutputSize}, {Activation.Name}) [{ParameterCount:N0} params{state}]");
    }

    /// <summary>Returns a deep copy (same weights, activation and freezing) that belongs to no network.</summary>
    /// <returns>The copy; changing it does not change this layer.</returns>
    public override DenseLayer Clone() => new(Weight.Clone(), Bias.Clone(), Activation, _initializer);

    /// <summary>Reads a dense layer: settings <c>units</c>, <c>activation</c> and (when the layer was given one) <c>initializer</c>; tensors <c>weight</c> <c>[units, n_in]</c> and <c>bias</c> <c>[units]</c>.</summary>
    internal static LayerPlan Read(LayerRecordReader record)
    {
        int units = record.Int("units", 1, LayerRecordReader.MaxUnits);
        string name = record.String("activation");
        var activation = Activation.Parse(name) ?? throw record.Error(
            $"metadata '{record.KeyOf("activation")}' is '{name}'; expected Identity, ReLU, LeakyReLU(slope in [0, 1)), Sigmoid, Tanh or Softmax.");
        if (activation.IsOutputOnly && record.Index < record.LayerCount - 1)
        {
            throw record.Error($"layer {record.Index} is {activation.Name}, which may only be the output layer, but {record.LayerCount} layers are listed.");
        }

        Initializer? initializer = null;
        if (record.Has("initializer"))
        {
            string initializerName = record.String("initializer");
            initializer = Initializer.FromName(initializerName)
                ?? throw record.Error($"metadata '{record.KeyOf("initializer")}' is '{initializerName}'; expected He or Xavier.");
        }

        int inputs = record.InputSize;
        var weight = record.Tensor("weight", units, inputs);
        var bias = record.Tensor("bias", units);
        return new LayerPlan(units, () =>
        {
            var layer = FromWeights(Matrix<float>.Build.Dense(units, inputs, weight()), Vector<float>.Build.Dense(bias()), activation);
            return initializer is null ? layer : new DenseLayer(layer.Weight, layer.Bias, activation, initializer);
        });
    }

    /// <summary>Writes <c>units</c>, <c>activation</c> (its <see cref="Activation.Name"/>) and, when the layer was given one, <c>initializer</c> (a file without it means the activation's default).</summary>
    internal override void WriteSettings(LayerRecordWriter record)
    {
        record.Set("units", OutputSize);
        record.Set("activation", Activation.Name);
        if (_initializer is not null)
        {
            record.Set("initializer", _initializer.Name);
        }
    }

    /// <summary><c>weight</c> as <c>[n[l], n[l-1]]</c> and <c>bias</c> as <c>[n[l]]</c> (<c>nn.Linear</c>'s layout).</summary>
    internal override IEnumerable<(Parameter Parameter, int[] Shape)> SavedTensors() =>
        [(Weight, [OutputSize, InputSize]), (Bias, [OutputSize])];

    /// <summary>The dense layers among <paramref name="layers"/>, in order.</summary>
    internal static List<DenseLayer> In(IEnumerable<Layer> layers) => [.. layers.OfType<DenseLayer>()];

    /// <summary>The top layer of <paramref name="layers"/> as the output layer, which must be dense (the loss takes its pre-activation).</summary>
    /// <exception cref="InvalidOperationException">There are no layers, or the top one is not dense.</exception>
    internal static DenseLayer OutputOf(IReadOnlyList<Layer> layers) => layers.Count == 0
        ? throw new InvalidOperationException("The network has no layers.")
        : layers[^1] as DenseLayer ?? throw new InvalidOperationException(
            $"Expected a Dense output layer but the top layer is {layers[^1]}: add a Dense layer on top.");

    /// <summary>Throws when an <paramref name="outputSize"/> × <paramref name="inputSize"/> weight would not fit in one array.</summary>
    internal static void EnsureWeightFits(int inputSize, int outputSize, string paramName)
    {
        long length = (long)outputSize * inputSize;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                outputSize,
                Invariant.F($"Expected at most {Array.MaxLength:N0} weights (n[l] × n[l-1]) but {outputSize:N0} units × {inputSize:N0} inputs is {length:N0}."));
        }
    }

    internal override LayerState CreateState(int capacity) => new DenseState(capacity, OutputSize);

    // Z = W·A_prev + b,  A = g(Z)
    internal override void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch)
    {
        int size = OutputSize * batch;
        var z = scratch[..size];
        AffineTransform(backend, input, z, batch);
        Activation.Forward(z, output[..size], OutputSize);
    }

    // As Infer, into the state's Z; the layer that reads the batch's inputs skips the terms of zero inputs when the
    // batch has enough of them (the same bits: SparseTrainingGemm).
    internal override void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch)
    {
        var dense = (DenseState)state;
        var masks = dense.AnalyseZeros(backend, input, InputSize, batch);
        if (masks is not { SkipsForward: true })
        {
            Infer(backend, input, output, dense.Z, batch);
            return;
        }

        int size = OutputSize * batch;
        var z = dense.Z.AsSpan(0, size);
        Elementwise.BroadcastColumns(Bias.Data, z, batch);
        var managed = (ManagedComputeBackend)backend;
        SparseTrainingGemm.Forward(masks, Weight.Data, input[..(InputSize * batch)], z, managed.MaxThreads, wide: SparseTrainingGemm.IsWide(managed.Kernel));
        Activation.Forward(z, output[..size], OutputSize);
    }

    // dZ = dA ⊙ g′(Z), then the gradients of the affine part.
    internal override void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch)
    {
        int size = OutputSize * batch;
        var dZ = dOutput[..size];
        Activation.Backward(((DenseState)state).Z.AsSpan(0, size), output[..size], dZ, dZ, OutputSize);
        BackwardFromPreActivation(backend, input, dZ, dInput, batch, state);
    }

    /// <summary>The pre-activation <c>Z</c> of the last training forward pass that used <paramref name="state"/>.</summary>
    internal static Span<float> PreActivation(LayerState state, int size) => ((DenseState)state).Z.AsSpan(0, size);

    /// <summary>
    /// Given <c>dZ</c>: <c>dW = (1/m)·dZ·A_prevᵀ</c>, <c>db = (1/m)·Σ_columns dZ</c>, <c>dA_prev = Wᵀ·dZ</c>
    /// (only for the parameters that train, and only when <paramref name="dInput"/> is not empty). <c>dW</c> skips
    /// the examples of zero inputs when the forward pass that used <paramref name="state"/> found enough of them.
    /// </summary>
    internal void BackwardFromPreActivation(ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> dZ, Span<float> dInput, int batch, LayerState? state = null)
    {
        float invM = 1f / batch;
        if (!Weight.IsFrozen)
        {
            if ((state as DenseState)?.Skipping is { SkipsGradient: true } masks && masks.Batch == batch)
            {
                var managed = (ManagedComputeBackend)backend;
                SparseTrainingGemm.WeightGradient(masks, dZ[..(OutputSize * batch)], input[..(InputSize * batch)], Weight.Gradient, invM, managed.MaxThreads, wide: SparseTrainingGemm.IsWide(managed.Kernel));
            }
            else
            {
                WeightGradient(backend, dZ, input, invM, batch);
            }
        }

        if (!Bias.IsFrozen)
        {
            Elementwise.RowSums(dZ[..(OutputSize * batch)], batch, invM, Bias.Gradient);
        }

        if (!dInput.IsEmpty)
        {
            InputGradient(backend, dZ, dInput, batch);
        }
    }

    /// <summary>Throws when a softmax (or another output-only activation) would have a single unit: its output is the constant 1.</summary>
    internal static void EnsureSoftmaxHasClasses(int units, Activation activation, string paramName)
    {
        if (units == 1 && activation.IsOutputOnly)
        {
            throw new ArgumentException(
                $"Expected at least 2 units for a {activation.Name} layer (a one-unit softmax always outputs 1) but got 1; use Activation.Sigmoid for a single unit.",
                paramName);
        }
    }

    /// <summary><c>Z = W·A_prev + b</c> (<c>b</c> broadcast over the columns).</summary>
    private void AffineTransform(ComputeBackend backend, ReadOnlySpan<float> aPrev, Span<float> z, int batch)
    {
        int n = OutputSize;
        Elementwise.BroadcastColumns(Bias.Data, z, batch);
        backend.Gemm(false, false, n, batch, InputSize, 1f, Weight.Data, n, aPrev, InputSize, 1f, z, n);
    }

    /// <summary><c>dW = scale·dZ·A_prevᵀ</c>.</summary>
    private void WeightGradient(ComputeBackend backend, ReadOnlySpan<float> dZ, ReadOnlySpan<float> aPrev, float scale, int batch) =>
        backend.Gemm(false, true, OutputSize, InputSize, batch, scale, dZ, OutputSize, aPrev, InputSize, 0f, Weight.Gradient, OutputSize);

    /// <summary><c>dA_prev = Wᵀ·dZ</c>.</summary>
    private void InputGradient(ComputeBackend backend, ReadOnlySpan<float> dZ, Span<float> dAPrev, int batch) =>
        backend.Gemm(true, false, InputSize, batch, OutputSize, 1f, Weight.Data, OutputSize, dZ, OutputSize, 0f, dAPrev, InputSize);

    private sealed class DenseState(int capacity, int rows) : LayerState(capacity)
    {
        public float[] Z { get; } = new float[rows * capacity];

        // Where the batch last read (by the layer that reads the batch's inputs) is not zero; null until a batch
        // is analysed, or when none can be. Made on the first analysis, reused after.
        public SparseInputMasks? Masks { get; private set; }

        // The masks when the forward pass of this batch skipped zeros in a product; null when it ran both dense. The
        // backward pass reads this, never masks an earlier batch left (the backend may change between steps).
        public SparseInputMasks? Skipping { get; private set; }

        // Analyses the batch's zeros when this layer reads the batch's inputs on a managed SIMD backend in float32: the
        // masks, with SkipsForward and SkipsGradient telling which products skip zeros; null: both dense. The
        // zero-skipping kernels match the dense kernel's width: 256-bit on the AVX2 kernel, 512-bit on the AVX-512 one
        // (the 256-bit ones lost to the 512-bit dense products: a W1 epoch on Fashion-MNIST's images, AMD Zen 5,
        // 2026-12-08, 0.53 s skipping against 0.43 s dense).
        public SparseInputMasks? AnalyseZeros(ComputeBackend backend, ReadOnlySpan<float> input, int inputs, int batch)
        {
            if (!ReadsBatchInput
                || backend is not ManagedComputeBackend { IsBFloat16: false } managed
                || !SparseTrainingGemm.Supports(managed.Kernel))
            {
                Skipping = null;
                return null;
            }

            Masks ??= new SparseInputMasks(inputs, Capacity);
            Skipping = SparseTrainingGemm.Analyse(Masks, input[..(inputs * batch)], batch) ? Masks : null;
            return Skipping;
        }
    }
}
