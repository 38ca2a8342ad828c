using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Compute;

namespace TransferLearning.Networks;

/// <summary>
/// An ordered stack of layers, <c>A[0] = X → A[1] → … → A[L]</c>, built fluently:
/// <code>
/// var net = Network.Create(inputSize: 784, seed: 7)
///     .Dense(512, Activation.ReLU)
///     .BatchNorm()
///     .Dense(256, Activation.ReLU)
///     .Dropout(0.2f)
///     .Dense(10, Activation.Softmax);
/// </code>
/// </summary>
/// <remarks>
/// Examples are columns: <c>X</c> is <c>n_x × m</c>. Every random choice comes from the seed given to
/// <see cref="Create(int, int)"/>: the same seed and the same calls give the same weights (and dropout masks).
/// Inference (<see cref="Predict(ReadOnlySpan{float}, Span{float})"/> and its overloads) uses only buffers of its
/// own, so a network that is not training may predict from many threads at once; while it trains, predictions
/// from other threads are refused with <see cref="InvalidOperationException"/>. The network knows no loss, label or data set: training
/// and evaluation live in <c>TransferLearning.Training</c>.
/// </remarks>
public sealed partial class Network
{
    private readonly List<Layer> _layers = [];
    private readonly Random _random;
    private ComputeBackend _backend;

    private Network(int inputSize, int seed, Random random, ComputeBackend backend)
    {
        InputSize = inputSize;
        Seed = seed;
        _random = random;
        _backend = backend;
    }

    /// <summary>Gets <c>n_x</c>, the number of inputs.</summary>
    public int InputSize { get; }

    /// <summary>Gets the seed that new layers' weights (and dropout seeds) are drawn from.</summary>
    public int Seed { get; }

    /// <summary>Gets <c>n[L]</c>, the size of the output layer (the input size when there are no layers).</summary>
    public int OutputSize => _layers.Count == 0 ? InputSize : _layers[^1].OutputSize;

    /// <summary>Gets the layers of every kind, input side first; <c>Layers[l]</c> owns the parameters named <c>layers.{l}.…</c>.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Gets the dense layers only, input side first (for a network of dense layers only, the same as <see cref="Layers"/>).</summary>
    public IReadOnlyList<DenseLayer> DenseLayers => DenseLayer.In(_layers);

    /// <summary>Gets the output layer <c>L</c>, which must be a dense layer.</summary>
    /// <exception cref="InvalidOperationException">The network has no layers, or its top layer is not a dense layer.</exception>
    public DenseLayer OutputLayer => DenseLayer.OutputOf(_layers);

    /// <summary>Gets every parameter with its stable name (<c>layers.0.weight</c>, <c>layers.0.bias</c>, …), input side first.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);

    /// <summary>Gets every buffer (state saved with the network but never trained, such as <c>layers.1.running_mean</c>), input side first.</summary>
    public IEnumerable<Parameter> Buffers => _layers.SelectMany(l => l.Buffers);

    /// <summary>Gets the total number of scalar parameters.</summary>
    public long ParameterCount => _layers.Sum(l => (long)l.ParameterCount);

    /// <summary>Gets the number of scalar parameters that train (not frozen).</summary>
    public long TrainableParameterCount => Parameters.Where(p => !p.IsFrozen).Sum(p => (long)p.Length);

    /// <summary>
    /// Gets or sets the kernel that computes training's matrix products (forward and backward passes in
    /// <see cref="Training.Trainer.Fit"/> and <see cref="Training.TrainingStep"/>). The default is <see cref="ComputeBackend.Default"/>.
    /// </summary>
    /// <remarks>
    /// Prediction and evaluation (<c>Predict</c>, <c>PredictBatch</c>, <c>Evaluate</c>, the frozen-feature cache) always
    /// run the managed packed kernels, whichever backend trains: with a managed backend they use its kernel and thread
    /// limit, with any other (a native BLAS) the best managed kernel of this CPU. So their outputs never depend on a
    /// native library.
    /// </remarks>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ComputeBackend TrainingBackend
    {
        get => _backend;
        set => _backend = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Gets or sets whether the dense layer that reads a training batch's inputs skips the terms of zero inputs in
    /// its forward product and weight gradient when the batch has enough of them (<see cref="Compute.SparseTrainingGemm"/>;
    /// the same bits either way). True unless a test or a benchmark turns it off to compare with the dense products.
    /// </summary>
    internal bool SkipsZeroInputs { get; set; } = true;

    /// <summary>Starts an empty network whose layers draw their weights from <paramref name="seed"/>.</summary>
    /// <param name="inputSize"><c>n_x</c>, at least 1.</param>
    /// <param name="seed">The seed of the weight generator (xoshiro256**). The default is 0.</param>
    /// <returns>The empty network; add layers with <see cref="Dense(int, Activation, Initializer?)"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> is less than 1.</exception>
    public static Network Create(int inputSize, int seed = 0)
    {
        Guard.AtLeast(inputSize, 1, nameof(inputSize));
        return new Network(inputSize, seed, new Xoshiro256StarStar(seed), ComputeBackend.Default);
    }

    /// <summary>
    /// Starts a network on a pretrained body that runs outside this library: its first layer runs
    /// <paramref name="extractor"/> (a <see cref="FeatureExtractorLayer"/>, always frozen), and the layers added after
    /// it — such as a pretrained dense top imported from the same model, or new layers — train on its features.
    /// </summary>
    /// <param name="extractor">The feature extractor, such as <c>OnnxBody.Load(…)</c>.</param>
    /// <param name="seed">The seed of the weight generator of the layers added after it. The default is 0.</param>
    /// <returns>The network, <see cref="InputSize"/> = the extractor's input size, its output the extractor's features.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="extractor"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The extractor's input or output size is less than 1.</exception>
    public static Network CreateOn(FeatureExtractor extractor, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        Guard.AtLeast(extractor.InputSize, 1, "extractor.InputSize");
        Guard.AtLeast(extractor.OutputSize, 1, "extractor.OutputSize");
        return Create(extractor.InputSize, seed).Add(new FeatureExtractorLayer(extractor));
    }

    /// <summary>Appends a dense layer whose weights are drawn from the network's seeded generator.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser; <see langword="null"/> picks the activation's default (He for ReLU, Xavier otherwise).</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1, or <c>units × inputs</c> weights exceed the largest array .NET can hold.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is a softmax with one unit.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Dense(int units, Activation activation, Initializer? initializer = null)
    {
        Guard.AtLeast(units, 1, nameof(units));
        ArgumentNullException.ThrowIfNull(activation);
        DenseLayer.EnsureWeightFits(OutputSize, units, nameof(units));
        DenseLayer.EnsureSoftmaxHasClasses(units, activation, nameof(units));
        EnsureCanAppend();
        return Add(DenseLayer.Create(OutputSize, units, activation, _random, initializer));
    }

    /// <summary>Appends an inverted-dropout layer whose mask seed is drawn from the network's seeded generator.</summary>
    /// <param name="rate">The drop probability <c>p</c>, in [0, 1).</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Dropout(float rate) => Add(LayerSpec.Dropout(rate));

    /// <summary>Appends a batch-normalisation layer over the current outputs.</summary>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1]. The default is 0.1.</param>
    /// <param name="epsilon">The variance floor <c>ε</c>, positive. The default is 1e-5.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network BatchNorm(float momentum = BatchNormLayer.DefaultMomentum, float epsilon = BatchNormLayer.DefaultEpsilon) =>
        Add(LayerSpec.BatchNorm(momentum, epsilon));

    /// <summary>Appends a layer built from <paramref name="spec"/>, with any random value drawn from the network's seeded generator.</summary>
    /// <param name="spec">The layer's kind and settings.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Add(LayerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        EnsureCanAppend();
        return Add(spec.Build(OutputSize, _random));
    }

    /// <summary>Appends an existing layer (it becomes part of this network; its parameters are renamed).</summary>
    /// <param name="layer">A layer whose input size equals this network's current output size.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The layer's input size differs from the current output size, or it already belongs to a network (append <see cref="Layer.Clone()"/> instead).</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InputSize != OutputSize)
        {
            throw new ArgumentException(
                $"Expected a layer with {OutputSize} inputs (the network's current output size) but got {layer.InputSize}.", nameof(layer));
        }

        if (layer.IsExternal && _layers.Count > 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a feature extractor only as a network's first layer (no gradient flows through it) but the network has {_layers.Count} layers already: start a network on it with Network.CreateOn(extractor)."),
                nameof(layer));
        }

        if (layer.Owner is not null)
        {
            throw new ArgumentException(
                layer.Owner == this
                    ? "The layer is already part of this network."
                    : "The layer already belongs to another network; sharing it would let training one network change the other. Append layer.Clone() instead.",
                nameof(layer));
        }

        EnsureCanAppend();
        Append(layer);
        return this;
    }

    /// <summary>Removes the top <paramref name="count"/> layers (the output layer first).</summary>
    /// <param name="count">How many layers to remove, from 1 to the number of layers.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1 or more than the number of layers.</exception>
    public Network RemoveTopLayers(int count = 1)
    {
        if (count < 1 || count > _layers.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count), count, $"Expected between 1 and {_layers.Count} layers to remove but got {count}.");
        }

        foreach (var layer in _layers.Skip(_layers.Count - count))
        {
            layer.Owner = null;
        }

        _layers.RemoveRange(_layers.Count - count, count);
        return this;
    }

    /// <summary>Returns a deep copy: same weights, buffers, freezing and backend. Layers appended to the copy draw from a fresh generator seeded with <see cref="Seed"/>.</summary>
    /// <returns>The copy; training it does not change this network.</returns>
    public Network Clone() => Clone(_layers.Count, Seed);

    /// <summary>Returns a deep copy of the bottom <paramref name="layerCount"/> layers whose new layers draw from <paramref name="seed"/>.</summary>
    internal Network Clone(int layerCount, int seed)
    {
        var copy = new Network(InputSize, seed, new Xoshiro256StarStar(seed), _backend);
        for (int l = 0; l < layerCount; l++)
        {
            copy.Append(_layers[l].Clone());
        }

        return copy;
    }

    /// <summary>Computes <c>A[L]</c> for every column of <paramref name="x"/> (inference: dropout passes through, batch normalisation uses its running statistics).</summary>
    /// <param name="x"><c>X</c>, <c>n_x × m</c>, finite.</param>
    /// <returns>A new <c>n[L] × m</c> matrix: class probabilities for a softmax output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have <see cref="InputSize"/> rows, has no columns, holds NaN or ∞, or holds finite values that overflow inside the network (a NaN or ∞ output).</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public Matrix<float> Predict(Matrix<float> x)
    {
        var data = ValidatedInput(x, nameof(x), checkFinite: false);
        var output = new float[OutputSize * x.ColumnCount];
        PredictCore(data, x.ColumnCount, output, nameof(x), InputSize);
        return Matrix<float>.Build.Dense(OutputSize, x.ColumnCount, output);
    }

    /// <summary>
    /// Predicts a class per column: the arg-max of <c>A[L]</c>, or <c>a ≥ 0.5</c> for a single output unit.
    /// </summary>
    /// <param name="x"><c>X</c>, <c>n_x × m</c>, finite.</param>
    /// <returns>One class per column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have <see cref="InputSize"/> rows, has no columns, or holds NaN or ∞.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public int[] PredictClasses(Matrix<float> x)
    {
        var probabilities = Predict(x).AsColumnMajorArray();
        var classes = new int[x.ColumnCount];
        for (int j = 0; j < classes.Length; j++)
        {
            classes[j] = ArgMax(probabilities.AsSpan(j * OutputSize, OutputSize));
        }

        return classes;
    }

    /// <summary>Returns a readable summary: one line per layer and the parameter counts.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Network({InputSize} inputs, {_layers.Count} layers, {ParameterCount:N0} params, {TrainableParameterCount:N0} trainable)");
        for (int l = 0; l < _layers.Count; l++)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  [{l}] {_layers[l]}");
        }

        return sb.ToString();
    }

    /// <summary>Throws when an output computed from finite inputs is NaN or ∞ (the inputs overflowed inside the network).</summary>
    internal void EnsureFiniteOutput(ReadOnlySpan<float> output, string paramName)
    {
        if (Guard.IsAllFinite(output))
        {
            return;
        }

        int index = 0;
        while (float.IsFinite(output[index]))
        {
            index++;
        }

        throw new ArgumentException(
            Invariant.F($"Expected inputs whose outputs are finite but example {index / OutputSize} gives {output[index]}: finite values overflowed inside the network (inputs too large for its weights?)."),
            paramName);
    }

    /// <summary>The arg-max of a column, or <c>a ≥ 0.5</c> for a single unit.</summary>
    internal static int ArgMax(ReadOnlySpan<float> column)
    {
        if (column.Length == 1)
        {
            return column[0] >= 0.5f ? 1 : 0;
        }

        int best = 0;
        for (int i = 1; i < column.Length; i++)
        {
            if (column[i] > column[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// The number of bottom layers that are wholly frozen: their outputs can be cached (a frozen layer behaves
    /// as at inference), and it is the index of the lowest layer that trains (<c>Layers.Count</c> when none does).
    /// </summary>
    internal int FrozenPrefixLength()
    {
        int l = 0;
        while (l < _layers.Count && _layers[l].IsFrozen)
        {
            l++;
        }

        return l;
    }

    /// <summary>The number of rows of <c>A[l-1]</c>, the input of layer <paramref name="layer"/>.</summary>
    internal int InputRowsOf(int layer) => layer == 0 ? InputSize : _layers[layer - 1].OutputSize;

    /// <summary>Training forward pass through layers <c>[ws.FirstLayer, L)</c> for a batch whose input to <c>ws.FirstLayer</c> is <paramref name="input"/>.</summary>
    internal void Forward(Workspace ws, ReadOnlySpan<float> input, int batch)
    {
        TestHooks.CountPasses(_layers, ws.FirstLayer, _layers.Count);
        for (int l = ws.FirstLayer; l < _layers.Count; l++)
        {
            _layers[l].Forward(_backend, input, ws.A[l], ws.States[l], batch);
            input = ws.A[l];
        }
    }

    /// <summary>
    /// Backward pass given <c>dZ[L]</c> — the gradient at the output layer's pre-activation, which the loss
    /// writes into <see cref="Workspace.OutputGradient"/> — down to the lowest layer that trains (no work below it).
    /// </summary>
    internal void Backward(Workspace ws, ReadOnlySpan<float> input, int batch)
    {
        int last = _layers.Count - 1;
        int lowest = Math.Max(FrozenPrefixLength(), ws.FirstLayer);
        for (int l = last; l >= lowest; l--)
        {
            ReadOnlySpan<float> aPrev = l == ws.FirstLayer ? input : ws.A[l - 1];
            Span<float> dAPrev = l > lowest ? ws.DA[l - 1] : [];
            if (l == last)
            {
                OutputLayer.BackwardFromPreActivation(_backend, aPrev, ws.DA[l], dAPrev, batch, ws.States[l]);
            }
            else
            {
                _layers[l].Backward(_backend, aPrev, ws.A[l], ws.DA[l], dAPrev, ws.States[l], batch);
            }
        }
    }

    /// <summary>
    /// The column-major values of <paramref name="x"/> after checking its shape, and that they are finite unless
    /// <paramref name="checkFinite"/> is false (the prediction calls check them as they pack them).
    /// </summary>
    internal float[] ValidatedInput(Matrix<float> x, string paramName, bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(x, paramName);
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers.");
        }

        if (x.RowCount != InputSize)
        {
            throw new ArgumentException($"Expected input of {InputSize} rows but got {x.RowCount}.", paramName);
        }

        if (x.ColumnCount == 0)
        {
            throw new ArgumentException("Expected at least one column (example) but got none.", paramName);
        }

        var data = x.AsColumnMajorArray() ?? x.ToColumnMajorArray();
        if (checkFinite)
        {
            Guard.AllFiniteExamples(data, paramName, x.RowCount);
        }

        return data;
    }

    private void Append(Layer layer)
    {
        layer.Rename(_layers.Count);
        layer.Owner = this;
        _layers.Add(layer);
    }

    private void EnsureCanAppend()
    {
        if (_layers.Count > 0 && _layers[^1].IsOutputOnly)
        {
            throw new InvalidOperationException(
                $"Layer {_layers.Count - 1} ({_layers[^1]}) may only be the output layer, but it would no longer be the output.");
        }
    }
}
