using System.Buffers.Binary;
using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Onnx.Protobuf;
using static TransferLearning.Onnx.Protobuf.OnnxFields;

namespace TransferLearning.Onnx;

/// <summary>
/// Exports a network to ONNX, to serve it with ONNX Runtime (or any ONNX engine):
/// <code>
/// network.ExportOnnx("model.onnx");
/// using var session = new InferenceSession("model.onnx");   // Microsoft.ML.OnnxRuntime
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// The graph takes a float tensor <c>input</c> of shape <c>[batch, n_x]</c>, one example per row (as apps hold
/// data; the transpose of the course's <c>X</c>), with a symbolic batch dimension, and returns <c>output</c>,
/// <c>[batch, n[L]]</c>. Each dense layer is one <c>Gemm</c>, <c>Z = A·Wᵀ + b</c> with <c>transB = 1</c>, whose
/// initialisers keep the parameters' names and PyTorch's <c>nn.Linear</c> layout (<c>layers.0.weight</c>
/// <c>[n[l], n[l-1]]</c>, <c>layers.0.bias</c> <c>[n[l]]</c>), then its activation: <c>Relu</c>,
/// <c>LeakyRelu</c> (with its slope as <c>alpha</c>), <c>Sigmoid</c>, <c>Tanh</c>, <c>Softmax</c> over the last
/// axis, or nothing for the identity. Dropout is left out (the identity at inference); batch normalisation is
/// one <c>BatchNormalization</c> in inference mode with its running statistics (<c>layers.{l}.weight</c>,
/// <c>bias</c>, <c>running_mean</c>, <c>running_var</c> as named here). Opset 17 of the default domain, IR version 8.
/// </para>
/// <para>
/// ONNX Runtime reproduces <see cref="Network.Predict(MathNet.Numerics.LinearAlgebra.Matrix{float})"/> within 1e-5 (a test checks it); the
/// sums run in a different order, so the last bits may differ.
/// </para>
/// </remarks>
public static partial class OnnxExport
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version of the model (the one that goes with opset 17).</summary>
    public const int IrVersion = 8;

    // The one table of layer kinds, keyed by Layer.Kind (the name a saved file stores): the nodes each adds to the
    // graph, or null for a kind that is the identity at inference. A kind not listed here is refused.
    private static readonly Dictionary<string, LayerNodes?> LayerKinds = new(StringComparer.Ordinal)
    {
        ["dense"] = (graph, layer, l, input, output) => AddDense(graph, (DenseLayer)layer, l, input, output),
        ["dropout"] = null,
        ["batchnorm"] = (graph, layer, l, input, output) => AddBatchNorm(graph, (BatchNormLayer)layer, l, input, output),
    };

    // The one table of activations, keyed by Activation.Kind: the ONNX operator (null for none) and its attribute.
    private static readonly Dictionary<string, Func<Activation, (string? Op, ProtoMessage? Attribute)>> ActivationKinds = new(StringComparer.Ordinal)
    {
        ["Identity"] = _ => (null, null),
        ["ReLU"] = _ => ("Relu", null),
        ["LeakyReLU"] = a => ("LeakyRelu", FloatAttribute("alpha", a.Settings["slope"])),
        ["Sigmoid"] = _ => ("Sigmoid", null),
        ["Tanh"] = _ => ("Tanh", null),
        ["Softmax"] = _ => ("Softmax", IntAttribute("axis", -1)),
    };

    // Adds layer l's nodes (reading `input`, writing `output` when it is the graph's output) and returns the name of its output.
    private delegate string LayerNodes(ProtoMessage graph, Layer layer, int l, string input, string? output);

    /// <summary>Returns the ONNX model of <paramref name="network"/>, serialised.</summary>
    /// <param name="network">A network with at least one layer.</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <returns>The bytes of the model (an ONNX <c>ModelProto</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> gives the input and the output the same name, or either the name of a weight or of an inner value of the graph (such as <c>layers.0.weight</c> or <c>layers.0.z</c>); nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    public static byte[] ToOnnx(this Network network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Build(network, options ?? new OnnxExportOptions(), null, []);
    }

    // The graph of `network`, after the input standardisation when `transform` is given (Sub then Mul, as
    // Standardizer computes it), with `properties` as the model's metadata_props.
    private static byte[] Build(Network network, OnnxExportOptions options, Standardizer? transform, IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        if (network.Layers.Count == 0)
        {
            throw new InvalidOperationException("The network has no layers: there is nothing to export.");
        }

        var graph = new ProtoMessage().String(GraphName, "TransferLearning");
        var layers = network.Layers;
        int lastNode = -1;
        var nodes = new LayerNodes?[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            if (!LayerKinds.TryGetValue(layers[l].Kind, out nodes[l]))
            {
                throw new NotSupportedException($"Layer {l} ({layers[l]}) is of kind '{layers[l].Kind}', which has no ONNX export.");
            }

            lastNode = nodes[l] is null ? lastNode : l;
        }

        CheckNames(network, nodes, lastNode, options, transform is not null);
        string previous = transform is null ? options.InputName : AddStandardization(graph, transform, options.InputName);
        for (int l = 0; l < layers.Count; l++)
        {
            string? graphOutput = l == lastNode ? options.OutputName : null;
            previous = nodes[l]?.Invoke(graph, layers[l], l, previous, graphOutput) ?? previous;
        }

        if (lastNode < 0)
        {
            graph.Message(GraphNode, Node("identity", "Identity", [previous], options.OutputName, null));
        }

        graph.Message(GraphInput, ValueInfo(options.InputName, options.BatchDimension, network.InputSize));
        graph.Message(GraphOutput, ValueInfo(options.OutputName, options.BatchDimension, network.OutputSize));
        var model = new ProtoMessage()
            .Int64(ModelIrVersion, IrVersion)
            .String(ModelProducerName, "TransferLearning")
            .String(ModelProducerVersion, typeof(Network).Assembly.GetName().Version?.ToString(3) ?? "0.0.0")
            .Message(ModelGraph, graph)
            .Message(ModelOpsetImport, new ProtoMessage().String(OpsetDomain, string.Empty).Int64(OpsetVersion, Opset));
        foreach (var (key, value) in properties)
        {
            model.Message(ModelMetadataProps, new ProtoMessage().String(StringStringEntryKey, key).String(StringStringEntryValue, value));
        }

        return model.ToArray();
    }

    // ONNX requires every value in a graph (input, initialiser, node output) to have one name of its own (ONNX
    // Runtime refuses the model otherwise): the options' names must differ from each other, from every weight's
    // name and from every inner value's name (layers.{l}.z before an activation, layers.{l}.a between layers).
    private static void CheckNames(Network network, LayerNodes?[] nodes, int lastNode, OnnxExportOptions options, bool standardizes)
    {
        if (string.Equals(options.InputName, options.OutputName, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Expected OnnxExportOptions.InputName and OutputName to differ (an ONNX graph names each value once) but both are '{options.InputName}'.",
                nameof(options));
        }

        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        if (standardizes)
        {
            foreach (string name in StandardizationNames)
            {
                taken.Add(name, "the name of a value of the input standardisation");
            }
        }

        var layers = network.Layers;
        for (int l = 0; l < layers.Count; l++)
        {
            if (nodes[l] is null)
            {
                continue;
            }

            foreach (var p in layers[l].Parameters.Concat(layers[l].Buffers))
            {
                taken.TryAdd(p.Name, string.Create(CultureInfo.InvariantCulture, $"the name of a weight of layer {l}"));
            }

            string prefix = string.Create(CultureInfo.InvariantCulture, $"layers.{l}");
            if (layers[l] is DenseLayer dense && OperatorOf(dense.Activation).Op is not null)
            {
                taken.TryAdd($"{prefix}.z", string.Create(CultureInfo.InvariantCulture, $"the name of layer {l}'s value before its activation"));
            }

            if (l != lastNode)
            {
                taken.TryAdd($"{prefix}.a", string.Create(CultureInfo.InvariantCulture, $"the name of layer {l}'s output"));
            }
        }

        foreach (var (option, name) in new[] { (nameof(OnnxExportOptions.InputName), options.InputName), (nameof(OnnxExportOptions.OutputName), options.OutputName) })
        {
            if (taken.TryGetValue(name, out string? what))
            {
                throw new ArgumentException(
                    $"Expected OnnxExportOptions.{option} to differ from every name in the graph (an ONNX graph names each value once) but '{name}' is {what}.",
                    nameof(options));
            }
        }
    }

    /// <summary>Writes the ONNX model of <paramref name="network"/> to <paramref name="stream"/>.</summary>
    /// <param name="network">A network with at least one layer.</param>
    /// <param name="stream">A writable stream; left open.</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, or <paramref name="options"/> gives the input and the output the same name, or either the name of a weight or of an inner value of the graph (such as <c>layers.0.weight</c> or <c>layers.0.z</c>); nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their target (a path or a stream), not in optional parameters; a later setting goes into OnnxExportOptions, never into a new optional parameter.")]
    public static void ExportOnnx(this Network network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("Expected a writable stream but got a read-only one.", nameof(stream));
        }

        stream.Write(network.ToOnnx(options));
    }

    /// <summary>
    /// Writes the ONNX model of <paramref name="network"/> to the file <paramref name="path"/>, atomically: the
    /// model goes to a temporary file in the same folder, which then replaces <paramref name="path"/>, so a
    /// failed export leaves an earlier file intact.
    /// </summary>
    /// <param name="network">A network with at least one layer.</param>
    /// <param name="path">The file to write (conventionally <c>*.onnx</c>).</param>
    /// <param name="options">The names of the input, output and batch dimension; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="options"/> gives the input and the output the same name, or either the name of a weight or of an inner value of the graph (such as <c>layers.0.weight</c> or <c>layers.0.z</c>); nothing is written.</exception>
    /// <exception cref="InvalidOperationException">The network has no layers.</exception>
    /// <exception cref="NotSupportedException">A layer, or its activation, has no ONNX operator here.</exception>
    /// <exception cref="IOException">The file could not be written (also when the folder is not writable or <paramref name="path"/> is a directory: the cause is the inner exception); an earlier file at <paramref name="path"/> is unchanged.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their target (a path or a stream), not in optional parameters; a later setting goes into OnnxExportOptions, never into a new optional parameter.")]
    public static void ExportOnnx(this Network network, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        WriteAtomically(network.ToOnnx(options), path);
    }

    // The model goes to a temporary file in the same folder, which then replaces `path`.
    private static void WriteAtomically(byte[] model, string path)
    {
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", TemporaryName(Path.GetFileName(full)));
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(model);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentOutOfRangeException or NotSupportedException or System.Security.SecurityException)
        {
            // The runtime reports these file-system failures (no permission, a directory given as the file, a
            // file-size limit) outside the IOException family; they are wrapped with the path, the cause kept.
            throw new IOException($"Cannot write '{path}': {e.Message}", e);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    // A short temporary name (at most 16 characters of the target's name, a 12-digit random suffix), so that any
    // name the file system accepts can be exported (a name near NAME_MAX = 255 bytes plus a long suffix would not be).
    private static string TemporaryName(string fileName)
    {
        int keep = Math.Min(fileName.Length, 16);
        if (keep > 0 && char.IsHighSurrogate(fileName[keep - 1]))
        {
            keep--;
        }

        return $".{fileName[..keep]}.{Guid.NewGuid():N}"[..(keep + 14)] + ".tmp";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A failed export reports its own exception; a left-over temporary file is not worth hiding it.
        }
    }

    // Gemm (and the activation, when it has an operator) for layer l; returns the name of the layer's output.
    private static string AddDense(ProtoMessage graph, DenseLayer layer, int l, string input, string? graphOutput)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"layers.{l}");
        string weight = layer.Weight.Name;
        string bias = layer.Bias.Name;
        graph.Message(GraphInitializer, Tensor(weight, RowMajor(layer.Weight), layer.OutputSize, layer.InputSize));
        graph.Message(GraphInitializer, Tensor(bias, layer.Bias.Values.ToArray(), layer.OutputSize));

        var (op, attribute) = OperatorOf(layer.Activation);
        string z = op is null ? graphOutput ?? $"{prefix}.a" : $"{prefix}.z";
        graph.Message(GraphNode, Node($"{prefix}.gemm", "Gemm", [input, weight, bias], z, IntAttribute("transB", 1)));
        if (op is null)
        {
            return z;
        }

        string a = graphOutput ?? $"{prefix}.a";
        graph.Message(GraphNode, Node($"{prefix}.{op.ToLowerInvariant()}", op, [z], a, attribute));
        return a;
    }

    // BatchNormalization in inference mode: y = γ·(x − μ_run)/√(σ²_run + ε) + β over dimension 1 of [batch, n].
    private static string AddBatchNorm(ProtoMessage graph, BatchNormLayer layer, int l, string input, string? graphOutput)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"layers.{l}");
        Parameter[] tensors = [layer.Scale, layer.Shift, layer.RunningMean, layer.RunningVariance];
        foreach (var p in tensors)
        {
            graph.Message(GraphInitializer, Tensor(p.Name, p.Values.ToArray(), p.Length));
        }

        string output = graphOutput ?? $"{prefix}.a";
        graph.Message(GraphNode, Node(
            $"{prefix}.batchnorm", "BatchNormalization", [input, .. tensors.Select(p => p.Name)], output, FloatAttribute("epsilon", layer.Epsilon)));
        return output;
    }

    private static (string? Op, ProtoMessage? Attribute) OperatorOf(Activation activation) =>
        ActivationKinds.TryGetValue(activation.Kind, out var op)
            ? op(activation)
            : throw new NotSupportedException($"The activation {activation.Name} has no ONNX operator in this exporter.");

    // W is stored column-major (n[l] × n[l-1]); ONNX and nn.Linear want [n[l], n[l-1]] row-major.
    private static float[] RowMajor(Parameter weight)
    {
        var values = weight.Values;
        var rowMajor = new float[values.Length];
        for (int i = 0; i < weight.Rows; i++)
        {
            for (int j = 0; j < weight.Columns; j++)
            {
                rowMajor[(i * weight.Columns) + j] = values[(j * weight.Rows) + i];
            }
        }

        return rowMajor;
    }

    private static ProtoMessage Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new ProtoMessage();
        foreach (long dim in dims)
        {
            tensor.Int64(TensorDims, dim);
        }

        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return tensor.Int32(TensorDataType, TensorDataTypeFloat).String(TensorName, name).Bytes(TensorRawData, bytes);
    }

    private static ProtoMessage Node(string name, string op, string[] inputs, string output, ProtoMessage? attribute)
    {
        var node = new ProtoMessage();
        foreach (string input in inputs)
        {
            node.String(NodeInput, input);
        }

        node.String(NodeOutput, output).String(NodeName, name).String(NodeOpType, op);
        return attribute is null ? node : node.Message(NodeAttribute, attribute);
    }

    private static ProtoMessage IntAttribute(string name, long value) =>
        new ProtoMessage().String(AttributeName, name).Int64(AttributeI, value).Int32(AttributeType, AttributeTypeInt);

    private static ProtoMessage FloatAttribute(string name, float value) =>
        new ProtoMessage().String(AttributeName, name).Float(AttributeF, value).Int32(AttributeType, AttributeTypeFloat);

    // A float tensor [batch, width] with a symbolic batch dimension.
    private static ProtoMessage ValueInfo(string name, string batch, int width)
    {
        var shape = new ProtoMessage()
            .Message(ShapeDim, new ProtoMessage().String(DimParam, batch))
            .Message(ShapeDim, new ProtoMessage().Int64(DimValue, width));
        var tensorType = new ProtoMessage().Int32(TensorTypeElemType, TensorDataTypeFloat).Message(TensorTypeShape, shape);
        return new ProtoMessage().String(ValueInfoName, name).Message(ValueInfoType, new ProtoMessage().Message(TypeTensorType, tensorType));
    }
}
