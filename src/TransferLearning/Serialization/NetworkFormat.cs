using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// How a <see cref="Network"/> is laid out in a safetensors file (format version 1).
/// </summary>
/// <remarks>
/// <para>
/// Tensors carry the parameters' names: <c>layers.{i}.weight</c> as <c>[n_out, n_in]</c> and
/// <c>layers.{i}.bias</c> as <c>[n_out]</c>, float32, row-major (PyTorch's <c>nn.Linear</c> layout).
/// </para>
/// <para>
/// <c>__metadata__</c> holds <c>format</c> (<c>TransferLearning</c>), <c>format_version</c> (<c>1</c>),
/// <c>network.input_size</c>, <c>network.seed</c>, <c>network.layer_count</c>, and per layer
/// <c>layers.{i}.kind</c> (<c>dense</c>), <c>layers.{i}.units</c>, <c>layers.{i}.activation</c> and, per
/// parameter, <c>{name}.frozen</c>. The mapping from kind to layer is a closed list in this class: nothing
/// in a file names a type to create.
/// </para>
/// </remarks>
internal static class NetworkFormat
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The value of the <c>format</c> key.</summary>
    public const string FormatName = "TransferLearning";

    /// <summary>The most units (or inputs) a loaded layer may have.</summary>
    public const int MaxUnits = 1 << 28;

    /// <summary>The most layers a loaded network may have.</summary>
    public const int MaxLayers = 10_000;

    private const string DenseKind = "dense";

    /// <summary>The metadata and tensors that describe <paramref name="network"/>.</summary>
    public static (MetadataWriter Metadata, List<SavedTensor> Tensors) Describe(Network network)
    {
        var metadata = new MetadataWriter();
        metadata.Set("format", FormatName);
        metadata.Set("format_version", Version);
        metadata.Set("network.input_size", network.InputSize);
        metadata.Set("network.seed", network.Seed);
        metadata.Set("network.layer_count", network.Layers.Count);
        var tensors = new List<SavedTensor>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            string prefix = LayerKey(l);
            metadata.Set(prefix + "kind", DenseKind);
            metadata.Set(prefix + "units", layer.OutputSize);
            metadata.Set(prefix + "activation", ActivationFormat.Name(layer.Activation));
            tensors.Add(new SavedTensor(layer.Weight.Name, [layer.OutputSize, layer.InputSize], RowMajor(layer.Weight)));
            tensors.Add(new SavedTensor(layer.Bias.Name, [layer.OutputSize], RowMajor(layer.Bias)));
            foreach (var p in layer.Parameters)
            {
                metadata.Set(p.Name + ".frozen", p.IsFrozen);
            }
        }

        return (metadata, tensors);
    }

    /// <summary>The shape a parameter has in a file: <c>[rows, columns]</c>, or <c>[rows]</c> for a bias.</summary>
    public static int[] FileShape(Parameter parameter) =>
        parameter.Name.EndsWith(".bias", StringComparison.Ordinal) ? [parameter.Rows] : [parameter.Rows, parameter.Columns];

    /// <summary>Checks that the metadata is of this library's format and a version it reads.</summary>
    /// <exception cref="ModelFormatException">Not this library's metadata, or another version.</exception>
    public static void CheckVersion(MetadataReader metadata)
    {
        if (!metadata.Has("format") || metadata.String("format") != FormatName)
        {
            throw metadata.Error(
                $"it has no TransferLearning metadata ('format' should be '{FormatName}'). To read weights from another tool, such as PyTorch, use PyTorchImport.");
        }

        int version = metadata.Int("format_version", 0);
        if (version != Version)
        {
            throw metadata.Error($"it is format version {version}; this library reads version {Version}.");
        }
    }

    /// <summary>
    /// Builds the network a checked file describes. The architecture is read and checked against every
    /// tensor's name and shape before any tensor is read.
    /// </summary>
    /// <exception cref="ModelFormatException">The metadata or the tensors are wrong.</exception>
    public static Network Read(SafeTensorsReader reader, MetadataReader metadata)
    {
        CheckVersion(metadata);
        int inputSize = metadata.Int("network.input_size", 1, MaxUnits);
        int seed = metadata.Int("network.seed");
        int layerCount = metadata.Int("network.layer_count", 1, MaxLayers);
        var plan = new List<(Activation Activation, TensorEntry Weight, TensorEntry Bias)>();
        int inputs = inputSize;
        for (int l = 0; l < layerCount; l++)
        {
            string prefix = LayerKey(l);
            string kind = metadata.String(prefix + "kind");
            if (kind != DenseKind)
            {
                throw metadata.Error($"metadata '{prefix}kind' is '{kind}'; expected {DenseKind}.");
            }

            int units = metadata.Int(prefix + "units", 1, MaxUnits);
            var activation = ActivationFormat.Parse(metadata, prefix + "activation");
            if (activation.IsOutputOnly && l < layerCount - 1)
            {
                throw metadata.Error($"layer {l} is {activation.Name}, which may only be the output layer, but {layerCount} layers are listed.");
            }

            var weight = Expect(reader, metadata, $"layers.{l}.weight", [units, inputs]);
            var bias = Expect(reader, metadata, $"layers.{l}.bias", [units]);
            plan.Add((activation, weight, bias));
            inputs = units;
        }

        int expected = 2 * layerCount;
        if (reader.Header.Tensors.Count != expected)
        {
            var known = plan.SelectMany(p => new[] { p.Weight.Name, p.Bias.Name }).ToHashSet(StringComparer.Ordinal);
            string extra = reader.Header.Tensors.First(t => !known.Contains(t.Name)).Name;
            throw metadata.Error($"tensor '{extra}' belongs to no layer of the architecture ({layerCount} layers, {expected} tensors).");
        }

        var network = Network.Create(inputSize, seed);
        foreach (var (activation, weightEntry, biasEntry) in plan)
        {
            var w = ColumnMajor(reader.ReadFloats(weightEntry), weightEntry.Shape[0], weightEntry.Shape[1]);
            var b = reader.ReadFloats(biasEntry);
            var layer = DenseLayer.FromWeights(
                Matrix<float>.Build.Dense(weightEntry.Shape[0], weightEntry.Shape[1], w), Vector<float>.Build.Dense(b), activation);
            network.Add(layer);
            foreach (var p in layer.Parameters)
            {
                p.IsFrozen = metadata.Bool(p.Name + ".frozen");
            }
        }

        return network;
    }

    /// <summary>A parameter's values in row-major order (the file's layout).</summary>
    public static float[] RowMajor(Parameter parameter)
    {
        int rows = parameter.Rows;
        int columns = parameter.Columns;
        var data = parameter.Values;
        var rowMajor = new float[data.Length];
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                rowMajor[(i * columns) + j] = data[(j * rows) + i];
            }
        }

        return rowMajor;
    }

    /// <summary>Row-major <paramref name="rowMajor"/> of <paramref name="rows"/> × <paramref name="columns"/> in column-major order (MathNet's layout).</summary>
    public static float[] ColumnMajor(float[] rowMajor, int rows, int columns)
    {
        if (rows == 1 || columns == 1)
        {
            return rowMajor;
        }

        var columnMajor = new float[rowMajor.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                columnMajor[(j * rows) + i] = rowMajor[(i * columns) + j];
            }
        }

        return columnMajor;
    }

    private static TensorEntry Expect(SafeTensorsReader reader, MetadataReader metadata, string name, int[] shape)
    {
        var entry = reader.Header.Find(name) ?? throw metadata.Error($"tensor '{name}' of the architecture is missing.");
        if (!entry.HasShape(shape))
        {
            throw metadata.Error($"tensor '{name}' is {entry.ShapeText} but the architecture needs {TensorEntry.FormatShape(shape)}.");
        }

        return entry;
    }

    private static string LayerKey(int index) => string.Create(CultureInfo.InvariantCulture, $"layers.{index}.");
}
