using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Onnx.Protobuf;
using TransferLearning.Serialization;

namespace TransferLearning.Onnx;

/// <summary>
/// Imports a dense ONNX network (one exported from PyTorch, Keras, scikit-learn's converters or this library) as a
/// trainable <see cref="Network"/>:
/// <code>
/// Network network = OnnxImport.Load("mlp.onnx");
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// The graph must be a chain from its one float input, <c>[batch, n]</c> (or <c>[batch, d1, d2, …]</c> followed by a
/// <c>Flatten</c>), or from <see cref="OnnxImportOptions.InputName"/>, to its output (or to
/// <see cref="OnnxImportOptions.OutputName"/>), through these operators of the
/// default domain:
/// <c>Gemm</c> (<c>alpha = beta = 1</c>, <c>transA = 0</c>, <c>transB</c> 0 or 1) and <c>MatMul</c>, each followed
/// optionally by an <c>Add</c> of a bias, become a <see cref="DenseLayer"/> (<c>W[l]</c> the file's weights in
/// <c>nn.Linear</c>'s <c>[n[l], n[l-1]]</c> layout, <c>b[l]</c> the bias, or zeros without one);
/// <c>Relu</c>, <c>LeakyRelu</c> (<c>alpha</c> in [0, 1)), <c>Sigmoid</c>, <c>Tanh</c> and <c>Softmax</c> (over the last
/// axis) become that dense layer's activation; <c>BatchNormalization</c> in inference mode becomes a
/// <see cref="BatchNormLayer"/> with the file's scale, bias, running mean and variance and epsilon (its momentum is the
/// library's default: it only matters for training); <c>Dropout</c> becomes a dropout layer of its ratio (the
/// identity at inference, as in the file); <c>Flatten</c> (axis 1) and <c>Identity</c> add nothing. The weights come
/// from the graph's initialisers (or <c>Constant</c> nodes), float32, in <c>raw_data</c> or <c>float_data</c>, and are
/// copied bit for bit.
/// </para>
/// <para>
/// An activation that does not directly follow a dense layer without one (PyTorch's <c>Linear, BatchNorm1d, ReLU</c>,
/// or two activations in a row) gets a dense layer of its own whose weight is the identity matrix and bias zero, which
/// computes the same values exactly. <c>Relu</c> and <c>LeakyRelu</c> fold through a <c>Dropout</c> into the dense
/// layer before it (they commute with dropout's positive scaling). This library allows a softmax only as the output.
/// </para>
/// <para>
/// What the importer refuses: a malformed file (truncated, not protobuf, inconsistent shapes, non-finite weights) is a
/// <see cref="ModelFormatException"/>; a well-formed model this library cannot represent (another operator, an
/// attribute value other than the ones above, a branch, several inputs) is a <see cref="NotSupportedException"/>
/// whose message starts with the node (<c>node 3 '/3/Conv' (Conv)</c>: its index in the graph, name and operator).
/// </para>
/// </remarks>
public static class OnnxImport
{
    /// <summary>The largest model read, in bytes (protobuf's own limit is 2 GB).</summary>
    private const long MaxModelBytes = int.MaxValue - 64;

    // ONNX's Identity operator (a node that passes its input on), not the library's identity activation.
    private const string IdentityOperator = "Identity";

    // ONNX's Softmax operator (the library's softmax activation has the same name).
    private const string SoftmaxOperator = "Softmax";

    /// <summary>Imports the dense network of the ONNX model in the file <paramref name="path"/>.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="options">Where to cut the graph and the network's seed; <see langword="null"/> for the defaults.</param>
    /// <returns>A new network with the file's weights; every parameter trains (freeze what you keep).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <see cref="OnnxImportOptions.InputName"/> or <see cref="OnnxImportOptions.OutputName"/> names no value of the graph.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid ONNX model (truncated, not protobuf, no graph, a weight of the wrong size or not finite); the message names the file.</exception>
    /// <exception cref="NotSupportedException">The model is valid but not a chain of the supported operators and attributes; the message names the node (index, name, operator).</exception>
    /// <exception cref="IOException">The file could not be read (also no permission or a directory given as the file, with the cause as the inner exception).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their source (a path or a stream), not in optional parameters; a later setting goes into OnnxImportOptions.")]
    public static Network Load(string path, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxModelBytes)
            {
                throw new ModelFormatException(path, string.Create(CultureInfo.InvariantCulture, $"the file has {length} bytes; at most {MaxModelBytes} are read"));
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new IOException($"Cannot read '{path}': {e.Message}", e);
        }

        return Import(bytes, path, options);
    }

    /// <summary>Imports the dense network of the ONNX model read from <paramref name="stream"/> (to its end).</summary>
    /// <param name="stream">A readable stream positioned at the model; left open.</param>
    /// <param name="options">Where to cut the graph and the network's seed; <see langword="null"/> for the defaults.</param>
    /// <returns>A new network with the model's weights; every parameter trains.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable, or <see cref="OnnxImportOptions.InputName"/> or <see cref="OnnxImportOptions.OutputName"/> names no value of the graph.</exception>
    /// <exception cref="ModelFormatException">The bytes are not a valid ONNX model, or more than 2 GB; the file is named <c>(stream)</c>.</exception>
    /// <exception cref="NotSupportedException">The model is valid but not a chain of the supported operators and attributes; the message names the node.</exception>
    /// <exception cref="IOException">The stream could not be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their source (a path or a stream), not in optional parameters; a later setting goes into OnnxImportOptions.")]
    public static Network Load(Stream stream, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("Expected a readable stream but got one that cannot be read.", nameof(stream));
        }

        const string source = "(stream)";
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (copy.Length + read > MaxModelBytes)
            {
                throw new ModelFormatException(source, string.Create(CultureInfo.InvariantCulture, $"the stream has more than {MaxModelBytes} bytes"));
            }

            copy.Write(buffer, 0, read);
        }

        return Import(copy.GetBuffer().AsMemory(0, (int)copy.Length), source, options);
    }

    /// <summary>Imports the dense network of the serialised ONNX model <paramref name="model"/> (a <c>ModelProto</c>).</summary>
    /// <param name="model">The model's bytes, as <see cref="OnnxExport.ToOnnx(Network, OnnxExportOptions?)"/> returns them.</param>
    /// <param name="options">Where to cut the graph and the network's seed; <see langword="null"/> for the defaults.</param>
    /// <returns>A new network with the model's weights; every parameter trains.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="OnnxImportOptions.InputName"/> or <see cref="OnnxImportOptions.OutputName"/> names no value of the graph.</exception>
    /// <exception cref="ModelFormatException">The bytes are not a valid ONNX model; the file is named <c>(bytes)</c>.</exception>
    /// <exception cref="NotSupportedException">The model is valid but not a chain of the supported operators and attributes; the message names the node.</exception>
    public static Network FromBytes(byte[] model, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Import(model, "(bytes)", options);
    }

    private static Network Import(ReadOnlyMemory<byte> bytes, string source, OnnxImportOptions? options)
    {
        options ??= new OnnxImportOptions();
        OnnxModel model;
        try
        {
            model = OnnxModelReader.ReadModel(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(source, $"not a valid ONNX model: {e.Message}", e);
        }

        if (model.Graph is null)
        {
            throw new ModelFormatException(
                source, bytes.Length == 0 ? "the file is empty" : "not an ONNX model: it has no graph (field 7 of ModelProto)");
        }

        try
        {
            return new ChainBuilder(model, options).Build();
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException(source, e.Message, e);
        }
    }

    // Walks the chain from the input to the output, collecting the layers, then builds the network.
    private sealed class ChainBuilder(OnnxModel model, OnnxImportOptions options)
    {
        private readonly OnnxGraph _graph = model.Graph!;
        private readonly Dictionary<string, OnnxTensor> _constants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<OnnxNode>> _readers = new(StringComparer.Ordinal);
        private readonly List<PendingLayer> _layers = [];
        private readonly long _opset = model.Opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        private int _inputWidth;
        private int _width;
        private int _rank;

        public Network Build()
        {
            foreach (var tensor in _graph.Initializers)
            {
                _constants[tensor.Name] = tensor;
            }

            var produced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in _graph.Nodes)
            {
                if (node.OpType == "Constant" && IsDefaultDomain(node))
                {
                    AddConstant(node);
                    continue;
                }

                foreach (string read in node.Inputs.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
                {
                    if (!_readers.TryGetValue(read, out var list))
                    {
                        _readers[read] = list = [];
                    }

                    list.Add(node);
                }

                produced.UnionWith(node.Outputs.Where(o => o.Length > 0));
            }

            string input = options.InputName is null ? DataInput() : StartValue(options, produced);
            string target = Target(options, input, produced);
            string current = input;
            var visited = new HashSet<int>();
            while (current != target)
            {
                var node = NextNode(current, input);
                if (!visited.Add(node.Index))
                {
                    throw new InvalidDataException($"the graph has a cycle through {node}");
                }

                Apply(node, current);
                CheckExtraOutputs(node);
                current = node.Outputs[0];
            }

            if (_rank != 2)
            {
                throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture, $"The value '{target}' has rank {_rank}; the import needs [batch, n] at the output (add a Flatten)."));
            }

            if (_layers.Count == 0 || _inputWidth == 0)
            {
                throw new NotSupportedException(_layers.Count == 0
                    ? $"The graph has no layer between '{input}' and '{target}' (only Flatten, Dropout of ratio 0 or Identity): a network needs at least one."
                    : $"The width of '{input}' is not declared in the graph and no Gemm, MatMul or BatchNormalization follows it to tell.");
            }

            return ToNetwork();
        }

        private string DataInput()
        {
            var inputs = _graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
            {
                throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}) besides its weights; the import needs exactly one."));
            }

            var input = inputs[0];
            if (!input.IsTensor || input.ElementType != OnnxTensor.Float || input.Shape is not { Count: >= 2 } shape)
            {
                throw new NotSupportedException(
                    $"The graph input '{input.Name}' is not a float tensor of a known shape [batch, n]; the import needs one.");
            }

            long width = 1;
            foreach (long? dim in shape.Skip(1))
            {
                if (dim is not > 0 || (width *= dim.Value) > Array.MaxLength)
                {
                    throw new NotSupportedException(
                        $"The graph input '{input.Name}' has the shape [{string.Join(", ", shape.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "?"))}]; the import needs every dimension after the batch fixed and positive.");
                }
            }

            _inputWidth = _width = (int)width;
            _rank = shape.Count;
            return input.Name;
        }

        // The value OnnxImportOptions.InputName names: its width and rank from the graph's declared shapes, or, when the
        // graph declares none, rank 2 and the width of the first weight after it.
        private string StartValue(OnnxImportOptions options, HashSet<string> produced)
        {
            string name = options.InputName!;
            bool isInput = _graph.Inputs.Any(i => i.Name == name) && !_constants.ContainsKey(name);
            if (!isInput && !produced.Contains(name))
            {
                throw new ArgumentException($"OnnxImportOptions.InputName '{name}' is neither an input nor the output of a node of the graph.", nameof(options));
            }

            _rank = 2;
            var info = _graph.Inputs.Concat(_graph.ValueInfos).Concat(_graph.Outputs).FirstOrDefault(v => v.Name == name && v.Shape is { Count: >= 2 });
            if (info?.Shape is { } shape && shape.Skip(1).All(d => d is > 0) && shape.Skip(1).Aggregate(1L, (w, d) => Math.Min(w * d!.Value, long.MaxValue / 2)) <= Array.MaxLength)
            {
                _inputWidth = _width = (int)shape.Skip(1).Aggregate(1L, (w, d) => w * d!.Value);
                _rank = shape.Count;
            }

            return name;
        }

        // The width of the value the chain reads, once a weight gives it (a start value of undeclared shape).
        private void LearnWidth(long width)
        {
            if (_width == 0 && width is > 0 and <= int.MaxValue)
            {
                _inputWidth = _width = (int)width;
            }
        }

        private string Target(OnnxImportOptions options, string input, HashSet<string> produced)
        {
            if (options.OutputName is { } name)
            {
                return name == input || produced.Contains(name)
                    ? name
                    : throw new ArgumentException($"OnnxImportOptions.OutputName '{name}' is neither the input nor the output of a node of the graph.", nameof(options));
            }

            return _graph.Outputs.Count == 1
                ? _graph.Outputs[0].Name
                : throw new NotSupportedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The graph has {_graph.Outputs.Count} outputs ({string.Join(", ", _graph.Outputs.Select(o => $"'{o.Name}'"))}); choose one with OnnxImportOptions.OutputName."));
        }

        private OnnxNode NextNode(string current, string input)
        {
            var readers = _readers.GetValueOrDefault(current) ?? [];
            string what = current == input ? $"The graph input '{current}'" : $"The value '{current}'";
            if (readers.Count == 1)
            {
                return readers[0];
            }

            string producer = _graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(current)) is { } p ? $"{Capitalised(p)}: its output '{current}'" : what;
            if (readers.Count == 0)
            {
                throw new NotSupportedException(
                    $"{producer} is read by no node, so the chain ends before the output; choose where to cut with OnnxImportOptions.OutputName.");
            }

            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"{producer} is read by {readers.Count} nodes ({string.Join(", ", readers)}): the graph branches, and only a chain of layers imports."));
        }

        private void Apply(OnnxNode node, string current)
        {
            if (!IsDefaultDomain(node))
            {
                throw Unsupported(node, $"its domain '{node.Domain}' is not ONNX's default domain");
            }

            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
            {
                throw new InvalidDataException($"{node} has no output");
            }

            if (node.OpType != "Add" && (node.Inputs.Count == 0 || node.Inputs[0] != current))
            {
                throw Unsupported(node, $"it reads '{current}' other than as its first input");
            }

            switch (node.OpType)
            {
                case "Gemm":
                    Gemm(node);
                    break;
                case "MatMul":
                    MatMul(node);
                    break;
                case "Add":
                    AddBias(node, current);
                    break;
                case "Relu" or "LeakyRelu" or "Sigmoid" or "Tanh" or "Softmax":
                    ActivationNode(node);
                    break;
                case "BatchNormalization":
                    BatchNormalization(node);
                    break;
                case "Flatten":
                    Flatten(node);
                    break;
                case "Dropout":
                    Dropout(node);
                    break;
                case IdentityOperator:
                    Attributes(node);
                    break;
                default:
                    throw Unsupported(node, "this operator has no layer here (supported: Gemm, MatMul, Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, BatchNormalization, Flatten, Dropout, Identity)");
            }
        }

        private void Gemm(OnnxNode node)
        {
            var attributes = Attributes(node, "alpha", "beta", "transA", "transB");
            RequireRank2(node);
            float alpha = FloatOf(node, attributes, "alpha", 1f);
            float beta = FloatOf(node, attributes, "beta", 1f);
            long transA = IntOf(node, attributes, "transA", 0);
            long transB = IntOf(node, attributes, "transB", 0);
            bool hasC = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
            if (alpha != 1f || (hasC && beta != 1f))
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"alpha = {alpha} and beta = {beta}; the import needs 1 and 1"));
            }

            if (transA != 0 || transB is not (0 or 1))
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"transA = {transA} and transB = {transB}; the import needs transA = 0 and transB 0 or 1"));
            }

            var dense = Weight(node, transposed: transB == 0);
            if (hasC)
            {
                dense.Bias = Bias(node, Constant(node, 2), dense.Outputs);
            }

            _layers.Add(dense);
            _width = dense.Outputs;
        }

        private void MatMul(OnnxNode node)
        {
            Attributes(node);
            RequireRank2(node);
            var dense = Weight(node, transposed: true);
            _layers.Add(dense);
            _width = dense.Outputs;
        }

        // The weight B of Gemm or MatMul (input 1): [n[l], n[l-1]] as nn.Linear stores it, or [n[l-1], n[l]] when transposed.
        private PendingDense Weight(OnnxNode node, bool transposed)
        {
            if (node.Inputs.Count < 2)
            {
                throw new InvalidDataException($"{node} has no weight input");
            }

            var b = Constant(node, 1);
            if (b.Dims.Length != 2)
            {
                throw Unsupported(node, $"its weight '{b.Name}' has rank {b.Dims.Length}; the import needs a matrix");
            }

            long inputs = transposed ? b.Dims[0] : b.Dims[1];
            long outputs = transposed ? b.Dims[1] : b.Dims[0];
            LearnWidth(inputs);
            if (inputs != _width || inputs < 1 || outputs < 1)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture, $"{node}: its weight '{b.Name}' is [{b.Dims[0]}, {b.Dims[1]}] but its input has {_width} features"));
            }

            var values = Floats(node, b);
            int rows = (int)outputs;
            int columns = (int)inputs;
            var weight = transposed
                ? Matrix<float>.Build.Dense(rows, columns, (i, j) => values[(j * rows) + i])
                : Matrix<float>.Build.Dense(rows, columns, (i, j) => values[(i * columns) + j]);
            return new PendingDense(node, weight);
        }

        private void AddBias(OnnxNode node, string current)
        {
            Attributes(node);
            if (node.Inputs.Count != 2 || (node.Inputs[0] == current) == (node.Inputs[1] == current))
            {
                throw Unsupported(node, $"the import needs an Add of '{current}' and a constant bias");
            }

            if (_layers.LastOrDefault() is not PendingDense { Bias: null, Activation: null } dense)
            {
                throw Unsupported(node, "an Add imports only as the bias of the MatMul or Gemm (without its own bias) just before it");
            }

            dense.Bias = Bias(node, Constant(node, node.Inputs[0] == current ? 1 : 0), dense.Outputs);
        }

        // A bias of shape [n], [1, n] (or a broadcast scalar).
        private static Vector<float> Bias(OnnxNode node, OnnxTensor c, int outputs)
        {
            var values = Floats(node, c);
            bool vector = c.Dims.Length switch
            {
                0 => true,
                1 => c.Dims[0] is 1 || c.Dims[0] == outputs,
                2 => c.Dims[0] == 1 && (c.Dims[1] is 1 || c.Dims[1] == outputs),
                _ => false,
            };
            if (!vector)
            {
                throw Unsupported(node, $"its bias '{c.Name}' has the shape [{string.Join(", ", c.Dims)}]; the import needs [{outputs}] or [1, {outputs}]");
            }

            return values.Length == outputs
                ? Vector<float>.Build.Dense(values)
                : Vector<float>.Build.Dense(outputs, values[0]);
        }

        private void ActivationNode(OnnxNode node)
        {
            RequireRank2(node);
            Activation activation;
            switch (node.OpType)
            {
                case "LeakyRelu":
                    var leaky = Attributes(node, "alpha");
                    float alpha = FloatOf(node, leaky, "alpha", 0.01f);
                    if (!(alpha >= 0f && alpha < 1f))
                    {
                        throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"alpha = {alpha}; the import needs a slope in [0, 1)"));
                    }

                    activation = Activation.LeakyReLU(alpha);
                    break;
                case SoftmaxOperator:
                    var softmax = Attributes(node, "axis");
                    long axis = IntOf(node, softmax, "axis", _opset is > 0 and < 13 ? 1 : -1);
                    if (axis is not (1 or -1))
                    {
                        throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"axis = {axis}; the import needs the last axis (1 or -1) of [batch, n]"));
                    }

                    if (_width == 1)
                    {
                        throw Unsupported(node, "a softmax over one value; the import needs at least two");
                    }

                    activation = Activation.Softmax;
                    break;
                default:
                    Attributes(node);
                    activation = node.OpType switch { "Relu" => Activation.ReLU, "Sigmoid" => Activation.Sigmoid, _ => Activation.Tanh };
                    break;
            }

            // The dense layer just before (through dropout layers for the ReLU family, which commutes with dropout's scaling).
            bool throughDropout = node.OpType is "Relu" or "LeakyRelu";
            for (int i = _layers.Count - 1; i >= 0; i--)
            {
                if (_layers[i] is PendingDense { Activation: null } dense)
                {
                    dense.Activation = activation;
                    dense.ActivationNode = node;
                    return;
                }

                if (_layers[i] is not PendingDropout || !throughDropout)
                {
                    break;
                }
            }

            if (_width == 0)
            {
                throw Unsupported(node, "the width of its input is not declared in the graph; start the import at a value of declared shape");
            }

            var identity = new PendingDense(node, Matrix<float>.Build.DenseIdentity(_width)) { Activation = activation, ActivationNode = node };
            _layers.Add(identity);
        }

        private void BatchNormalization(OnnxNode node)
        {
            var attributes = Attributes(node, "epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs");
            RequireRank2(node);
            float epsilon = FloatOf(node, attributes, "epsilon", 1e-5f);
            if (IntOf(node, attributes, "training_mode", 0) != 0 || IntOf(node, attributes, "spatial", 1) != 1)
            {
                throw Unsupported(node, "training_mode = 1 or spatial = 0; the import needs inference mode over [batch, n]");
            }

            if (!(epsilon > 0f) || float.IsInfinity(epsilon))
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"epsilon = {epsilon}; the import needs a positive one"));
            }

            if (node.Inputs.Count != 5)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{node} has {node.Inputs.Count} inputs instead of 5"));
            }

            var tensors = new float[4][];
            for (int k = 0; k < 4; k++)
            {
                var t = Constant(node, k + 1);
                LearnWidth(t.ElementCount);
                if (t.ElementCount != _width || t.Dims.Length != 1)
                {
                    throw new InvalidDataException(string.Create(
                        CultureInfo.InvariantCulture, $"{node}: '{t.Name}' has the shape [{string.Join(", ", t.Dims)}] but its input has {_width} features"));
                }

                tensors[k] = Floats(node, t);
            }

            if (tensors[3].Any(v => v < 0f))
            {
                throw new InvalidDataException($"{node}: the running variance '{node.Inputs[4]}' has a negative value");
            }

            _layers.Add(new PendingBatchNorm(node, epsilon, tensors));
        }

        private void Flatten(OnnxNode node)
        {
            var attributes = Attributes(node, "axis");
            long axis = IntOf(node, attributes, "axis", 1);
            if (axis < 0)
            {
                axis += _rank;
            }

            if (axis != 1)
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"axis = {IntOf(node, attributes, "axis", 1)}; the import needs axis 1 (keep the batch)"));
            }

            _rank = 2;
        }

        private void Dropout(OnnxNode node)
        {
            var attributes = Attributes(node, "ratio", "seed", "is_test");
            float ratio = FloatOf(node, attributes, "ratio", 0.5f);
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
            {
                var r = Constant(node, 1);
                ratio = r.ElementCount == 1 && r.Floats is { } f ? f[0] : throw Unsupported(node, $"its ratio '{r.Name}' is not one float");
            }

            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                var mode = Constant(node, 2);
                if (mode.Integers is not [0])
                {
                    throw Unsupported(node, $"its training_mode '{mode.Name}' is not false");
                }
            }

            if (!(ratio >= 0f && ratio < 1f))
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"ratio = {ratio}; the import needs [0, 1)"));
            }

            if (ratio > 0f)
            {
                _layers.Add(new PendingDropout(node, ratio));
            }
        }

        // Builds the network from the collected layers.
        private Network ToNetwork()
        {
            var network = Network.Create(_inputWidth, options.Seed);
            PendingLayer? softmax = null;
            foreach (var layer in _layers)
            {
                if (softmax is not null)
                {
                    throw Unsupported(layer.Node, $"it follows the Softmax of {((PendingDense)softmax).ActivationNode}, which this library allows only in the output layer");
                }

                switch (layer)
                {
                    case PendingDense dense:
                        network.Add(DenseLayer.FromWeights(dense.Weight, dense.Bias ?? Vector<float>.Build.Dense(dense.Outputs), dense.Activation ?? Activation.Identity));
                        softmax = dense.Activation == Activation.Softmax ? dense : null;
                        break;
                    case PendingBatchNorm norm:
                        network.BatchNorm(epsilon: norm.Epsilon);
                        var tensors = network.Layers[^1].Parameters.Concat(network.Layers[^1].Buffers).ToDictionary(p => p.Name[(p.Name.LastIndexOf('.') + 1)..]);
                        string[] order = ["weight", "bias", "running_mean", "running_var"];   // ONNX's scale, B, input_mean, input_var
                        for (int k = 0; k < 4; k++)
                        {
                            var target = tensors[order[k]];
                            target.SetValues(Matrix<float>.Build.Dense(target.Rows, target.Columns, norm.Values[k]));
                        }

                        break;
                    case PendingDropout dropout:
                        network.Dropout(dropout.Ratio);
                        break;
                }
            }

            return network;
        }

        private void RequireRank2(OnnxNode node)
        {
            if (_rank != 2)
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"its input has rank {_rank}; the import needs [batch, n] (a Flatten first)"));
            }
        }

        private void CheckExtraOutputs(OnnxNode node)
        {
            foreach (string extra in node.Outputs.Skip(1).Where(o => o.Length > 0))
            {
                if (_readers.ContainsKey(extra) || _graph.Outputs.Any(o => o.Name == extra))
                {
                    throw Unsupported(node, $"its output '{extra}' is used; the import needs only its first output");
                }
            }
        }

        private OnnxTensor Constant(OnnxNode node, int input)
        {
            string name = node.Inputs[input];
            if (!_constants.TryGetValue(name, out var tensor))
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"its input {input} '{name}' is not an initializer or a Constant"));
            }

            if (tensor.IsExternal || tensor.IsSegmented)
            {
                throw Unsupported(node, $"the tensor '{name}' is stored outside the model (external or segmented data)");
            }

            return tensor;
        }

        private static float[] Floats(OnnxNode node, OnnxTensor tensor)
        {
            if (tensor.Floats is not { } values)
            {
                throw Unsupported(node, string.Create(CultureInfo.InvariantCulture, $"the tensor '{tensor.Name}' has ONNX data type {tensor.DataType}; the import reads float32 (1)"));
            }

            int bad = Array.FindIndex(values, v => !float.IsFinite(v));
            return bad < 0
                ? values
                : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{node}: value {bad} of '{tensor.Name}' is {values[bad]}"));
        }

        private void AddConstant(OnnxNode node)
        {
            if (node.Outputs.Count == 1 && node.Attributes is [{ Name: "value", Tensor: { } tensor }])
            {
                _constants[node.Outputs[0]] = tensor;
                tensor.Name = node.Outputs[0];
            }
        }

        private static bool IsDefaultDomain(OnnxNode node) => node.Domain is "" or "ai.onnx";

        // The node's attributes by name, refusing any not in `allowed`.
        private static Dictionary<string, OnnxAttribute> Attributes(OnnxNode node, params string[] allowed)
        {
            var byName = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
            foreach (var attribute in node.Attributes)
            {
                if (!allowed.Contains(attribute.Name) || attribute.RefersToFunctionAttribute || !byName.TryAdd(attribute.Name, attribute))
                {
                    throw Unsupported(node, $"the attribute '{attribute.Name}' is not one the import reads here");
                }
            }

            return byName;
        }

        private static float FloatOf(OnnxNode node, Dictionary<string, OnnxAttribute> attributes, string name, float fallback) =>
            !attributes.TryGetValue(name, out var a) ? fallback
            : a.Float ?? (a.Type is 0 or 1 ? 0f : throw Unsupported(node, $"the attribute '{name}' is not a float"));

        private static long IntOf(OnnxNode node, Dictionary<string, OnnxAttribute> attributes, string name, long fallback) =>
            !attributes.TryGetValue(name, out var a) ? fallback
            : a.Int ?? (a.Type is 0 or 2 ? 0 : throw Unsupported(node, $"the attribute '{name}' is not an integer"));

        private static NotSupportedException Unsupported(OnnxNode node, string problem) =>
            new($"{Capitalised(node)}: {problem}.");

        private static string Capitalised(OnnxNode node) => "N" + node.ToString()[1..];
    }

    private abstract class PendingLayer(OnnxNode node)
    {
        public OnnxNode Node { get; } = node;
    }

    private sealed class PendingDense(OnnxNode node, Matrix<float> weight) : PendingLayer(node)
    {
        public Matrix<float> Weight { get; } = weight;

        public int Outputs => Weight.RowCount;

        public Vector<float>? Bias { get; set; }

        public Activation? Activation { get; set; }

        public OnnxNode? ActivationNode { get; set; }
    }

    private sealed class PendingBatchNorm(OnnxNode node, float epsilon, float[][] values) : PendingLayer(node)
    {
        public float Epsilon { get; } = epsilon;

        public float[][] Values { get; } = values;
    }

    private sealed class PendingDropout(OnnxNode node, float ratio) : PendingLayer(node)
    {
        public float Ratio { get; } = ratio;
    }
}
