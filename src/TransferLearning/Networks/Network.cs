using System.Buffers;
using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Training;
using TransferLearning.Training.Losses;

namespace TransferLearning.Networks;

/// <summary>
/// An ordered stack of dense layers, <c>A[0] = X → A[1] → … → A[L]</c>, built fluently:
/// <code>
/// var net = Network.Create(inputSize: 784, seed: 7)
///     .Dense(512, Activation.ReLU)
///     .Dense(256, Activation.ReLU)
///     .Dense(10, Activation.Softmax);
/// </code>
/// </summary>
/// <remarks>
/// Examples are columns: <c>X</c> is <c>n_x × m</c>. Every random choice comes from the seed given to
/// <see cref="Create(int, int)"/>: the same seed and the same calls give the same weights. Inference
/// (<see cref="Predict(ReadOnlySpan{float}, Span{float})"/> and its overloads, <see cref="Evaluate(Dataset, Loss?)"/>)
/// uses only buffers of its own, so a network that is not training may predict from many threads at once; while
/// it trains, predictions from other threads are refused with <see cref="InvalidOperationException"/>.
/// </remarks>
public sealed partial class Network
{
    private const int InferenceChunk = 1024;
    private readonly List<DenseLayer> _layers = [];
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

    /// <summary>Gets the seed that new layers' weights are drawn from.</summary>
    public int Seed { get; }

    /// <summary>Gets <c>n[L]</c>, the size of the output layer (the input size when there are no layers).</summary>
    public int OutputSize => _layers.Count == 0 ? InputSize : _layers[^1].OutputSize;

    /// <summary>Gets the layers, input side first.</summary>
    public IReadOnlyList<DenseLayer> Layers => _layers;

    /// <summary>Gets the output layer <c>L</c>.</summary>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public DenseLayer OutputLayer => _layers.Count > 0 ? _layers[^1] : throw new InvalidOperationException("The network has no layers.");

    /// <summary>Gets every parameter with its stable name (<c>layers.0.weight</c>, <c>layers.0.bias</c>, …), input side first.</summary>
    public IEnumerable<Parameter> Parameters => _layers.SelectMany(l => l.Parameters);

    /// <summary>Gets the total number of scalar parameters.</summary>
    public long ParameterCount => _layers.Sum(l => (long)l.ParameterCount);

    /// <summary>Gets the number of scalar parameters that train (not frozen).</summary>
    public long TrainableParameterCount => Parameters.Where(p => !p.IsFrozen).Sum(p => (long)p.Length);

    /// <summary>
    /// Gets or sets the kernel that computes the matrix products. The default is <see cref="ComputeBackend.Default"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ComputeBackend Backend
    {
        get => _backend;
        set => _backend = value ?? throw new ArgumentNullException(nameof(value));
    }

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

    /// <summary>Appends a dense layer whose weights are drawn from the network's seeded generator.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser; <see langword="null"/> picks the activation's default (He for ReLU, Xavier otherwise).</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Dense(int units, Activation activation, Initializer? initializer = null)
    {
        Guard.AtLeast(units, 1, nameof(units));
        ArgumentNullException.ThrowIfNull(activation);
        EnsureCanAppend();
        return Add(DenseLayer.Create(OutputSize, units, activation, _random, initializer));
    }

    /// <summary>Appends a layer built from <paramref name="spec"/>, with weights drawn from the network's seeded generator.</summary>
    /// <param name="spec">The layer's size, activation and initialiser.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="spec"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Dense(LayerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Dense(spec.Units, spec.Activation, spec.Initializer);
    }

    /// <summary>Appends an existing layer (it becomes part of this network; its parameters are renamed).</summary>
    /// <param name="layer">A layer whose input size equals this network's current output size.</param>
    /// <returns>This network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The layer's input size differs from the current output size, or it already belongs to a network (append <see cref="DenseLayer.Clone()"/> instead).</exception>
    /// <exception cref="InvalidOperationException">The current last layer is a softmax, which may only be the output.</exception>
    public Network Add(DenseLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.InputSize != OutputSize)
        {
            throw new ArgumentException(
                $"Expected a layer with {OutputSize} inputs (the network's current output size) but got {layer.InputSize}.", nameof(layer));
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

    /// <summary>Returns a deep copy: same weights, freezing and backend. Layers appended to the copy draw from a fresh generator seeded with <see cref="Seed"/>.</summary>
    /// <returns>The copy; training it does not change this network.</returns>
    public Network Clone() => Clone(_layers.Count, Seed);

    /// <summary>Returns a deep copy of the bottom <paramref name="layerCount"/> layers whose new layers draw from <paramref name="seed"/>.</summary>
    internal Network Clone(int layerCount, int seed)
    {
        var copy = new Network(InputSize, seed, new Xoshiro256StarStar(seed), _backend);
        for (int l = 0; l < layerCount; l++)
        {
            copy.Append(_layers[l].Clone(l));
        }

        return copy;
    }

    /// <summary>Computes <c>A[L]</c> for every column of <paramref name="x"/>.</summary>
    /// <param name="x"><c>X</c>, <c>n_x × m</c>, finite.</param>
    /// <returns>A new <c>n[L] × m</c> matrix: class probabilities for a softmax output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not have <see cref="InputSize"/> rows, has no columns, or holds NaN or ∞.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public Matrix<float> Predict(Matrix<float> x)
    {
        var data = ValidatedInput(x, nameof(x));
        var output = new float[OutputSize * x.ColumnCount];
        PredictCore(data, x.ColumnCount, output);
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

    /// <summary>Computes the mean loss and, for a classification set, the accuracy.</summary>
    /// <param name="data">The examples; <see cref="Dataset.FeatureCount"/> must equal <see cref="InputSize"/>.</param>
    /// <param name="loss">The loss; <see langword="null"/> (the default) picks <see cref="Loss.For(Activation)"/> of the output activation.</param>
    /// <returns>The loss and the accuracy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data does not fit the network or the loss.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    public Evaluation Evaluate(Dataset data, Loss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        EnsureFits(data, nameof(data));
        loss ??= Loss.For(OutputLayer.Activation);
        loss.Validate(OutputLayer, data, nameof(data));
        return Evaluate(data.FeatureData, data, 0, loss);
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

    /// <summary>
    /// The number of bottom layers that are wholly frozen: their outputs can be cached, and it is the index
    /// of the lowest layer with a parameter that trains (<c>Layers.Count</c> when none trains).
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

    internal void EnsureFits(Dataset data, string paramName)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers.");
        }

        if (data.FeatureCount != InputSize)
        {
            throw new ArgumentException(
                $"Expected data with {InputSize} feature rows (the network's input size) but got {data.FeatureCount}.", paramName);
        }
    }

    /// <summary>Forward pass through layers <c>[ws.FirstLayer, L)</c> for a batch whose input to <c>ws.FirstLayer</c> is <paramref name="input"/>.</summary>
    internal void Forward(Workspace ws, ReadOnlySpan<float> input, int batch)
    {
        for (int l = ws.FirstLayer; l < _layers.Count; l++)
        {
            _layers[l].Forward(_backend, input, ws.Z[l], ws.A[l], batch);
            input = ws.A[l];
        }
    }

    /// <summary>
    /// Backward pass given <c>dZ[L]</c> in <c>ws.DZ[L]</c>: gradients of every parameter that trains,
    /// stopping at the lowest trainable layer (no work below it).
    /// </summary>
    internal void Backward(Workspace ws, ReadOnlySpan<float> input, int batch)
    {
        int lowest = Math.Max(FrozenPrefixLength(), ws.FirstLayer);
        for (int l = _layers.Count - 1; l >= lowest; l--)
        {
            var layer = _layers[l];
            if (l < _layers.Count - 1)
            {
                int size = layer.OutputSize * batch;
                layer.Activation.Backward(ws.Z[l].AsSpan(0, size), ws.A[l].AsSpan(0, size), ws.DA[l].AsSpan(0, size), ws.DZ[l].AsSpan(0, size), layer.OutputSize);
            }

            ReadOnlySpan<float> aPrev = l == ws.FirstLayer ? input : ws.A[l - 1];
            Span<float> dAPrev = l > lowest ? ws.DA[l - 1] : [];
            layer.Backward(_backend, aPrev, ws.DZ[l], dAPrev, batch);
        }
    }

    /// <summary>
    /// Inference through layers <c>[first, end)</c> in chunks of <paramref name="chunk"/> columns, with
    /// buffers of its own (rented from the shared pool, so concurrent calls never share them). When
    /// <paramref name="lastZ"/> is not empty it receives the last layer's pre-activation <c>Z</c>.
    /// </summary>
    internal void Infer(ReadOnlySpan<float> x, int columns, int first, int end, Span<float> output, int chunk = InferenceChunk, Span<float> lastZ = default)
    {
        if (end <= first)
        {
            x.CopyTo(output);
            return;
        }

        chunk = Math.Min(chunk, columns);
        int size = WidestOutput(first, end) * chunk;
        var pool = ArrayPool<float>.Shared;
        float[] z = pool.Rent(size);
        float[] ping = pool.Rent(size);
        float[] pong = pool.Rent(size);
        try
        {
            Infer(x, columns, first, end, output, chunk, lastZ, new InferenceScratch(z, ping, pong));
        }
        finally
        {
            pool.Return(pong);
            pool.Return(ping);
            pool.Return(z);
        }
    }

    /// <summary>As above, in buffers the caller provides (each at least the widest layer × <paramref name="chunk"/> floats).</summary>
    internal void Infer(ReadOnlySpan<float> x, int columns, int first, int end, Span<float> output, int chunk, Span<float> lastZ, InferenceScratch scratch)
    {
        chunk = Math.Min(chunk, columns);
        int inputRows = first == 0 ? InputSize : _layers[first - 1].OutputSize;
        int outputRows = _layers[end - 1].OutputSize;
        for (int start = 0; start < columns; start += chunk)
        {
            int m = Math.Min(chunk, columns - start);
            ReadOnlySpan<float> input = x.Slice(start * inputRows, m * inputRows);
            for (int l = first; l < end; l++)
            {
                bool last = l == end - 1;
                Span<float> target = last ? output.Slice(start * outputRows, m * outputRows) : ((l - first) % 2 == 0 ? scratch.Ping : scratch.Pong);
                Span<float> zTarget = last && !lastZ.IsEmpty ? lastZ.Slice(start * outputRows, m * outputRows) : scratch.Z;
                _layers[l].Forward(_backend, input, zTarget, target, m);
                input = target;
            }
        }
    }

    /// <summary>The widest output of layers <c>[first, end)</c>.</summary>
    internal int WidestOutput(int first, int end)
    {
        int widest = 0;
        for (int l = first; l < end; l++)
        {
            widest = Math.Max(widest, _layers[l].OutputSize);
        }

        return widest;
    }

    /// <summary>Mean loss and accuracy of layers <c>[first, L)</c> on features <paramref name="x"/> of <paramref name="data"/>'s examples.</summary>
    internal Evaluation Evaluate(ReadOnlySpan<float> x, Dataset data, int first, Loss loss)
    {
        int m = data.Count;
        int rows = OutputSize;
        int chunk = Math.Min(InferenceChunk, m);
        int inputRows = first == 0 ? InputSize : _layers[first - 1].OutputSize;
        var pool = ArrayPool<float>.Shared;
        float[] output = pool.Rent(rows * chunk);
        float[] z = pool.Rent(rows * chunk);
        try
        {
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < m; start += chunk)
            {
                int count = Math.Min(chunk, m - start);
                var a = output.AsSpan(0, rows * count);
                var zc = z.AsSpan(0, rows * count);
                Infer(x.Slice(start * inputRows, count * inputRows), count, first, _layers.Count, a, chunk, zc);
                var targets = TargetsOf(data, start, count);
                lossSum += loss.Sum(zc, a, rows, targets);
                if (data.IsClassification)
                {
                    correct += CountCorrect(a, rows, targets.Labels);
                }
            }

            return new Evaluation(lossSum / m, data.IsClassification ? (double)correct / m : null, m);
        }
        finally
        {
            pool.Return(z);
            pool.Return(output);
        }
    }

    internal static BatchTargets TargetsOf(Dataset data, int start, int count) => data.IsClassification
        ? new BatchTargets(data.LabelArray.AsSpan(start, count), default)
        : new BatchTargets(default, data.TargetArray.AsSpan(start * data.TargetCount, count * data.TargetCount));

    internal static int CountCorrect(ReadOnlySpan<float> output, int rows, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int j = 0; j < labels.Length; j++)
        {
            if (ArgMax(output.Slice(j * rows, rows)) == labels[j])
            {
                correct++;
            }
        }

        return correct;
    }

    internal float[] ValidatedInput(Matrix<float> x, string paramName)
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
        Guard.AllFinite(data, paramName, x.RowCount);
        return data;
    }

    private static int ArgMax(ReadOnlySpan<float> column)
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

    private void Append(DenseLayer layer)
    {
        layer.Rename(_layers.Count);
        layer.Owner = this;
        _layers.Add(layer);
    }

    private void EnsureCanAppend()
    {
        if (_layers.Count > 0 && _layers[^1].Activation.IsOutputOnly)
        {
            throw new InvalidOperationException(
                $"{_layers[^1].Activation.Name} may only be used in the output layer, but layer {_layers.Count - 1} ({_layers[^1]}) would no longer be the output.");
        }
    }
}
