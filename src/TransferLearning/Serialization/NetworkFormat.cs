using System.Globalization;
using TransferLearning.Networks;

namespace TransferLearning.Serialization;

/// <summary>
/// How a <see cref="Network"/> is laid out in a safetensors file (format version 1).
/// </summary>
/// <remarks>
/// <para>
/// Tensors carry the parameters' and buffers' names, float32, row-major, in PyTorch's layouts:
/// a dense layer's <c>layers.{i}.weight</c> as <c>[n_out, n_in]</c> and <c>layers.{i}.bias</c> as <c>[n_out]</c>
/// (<c>nn.Linear</c>); a batch-normalisation layer's <c>weight</c> (<c>γ</c>), <c>bias</c> (<c>β</c>),
/// <c>running_mean</c> and <c>running_var</c> as <c>[n]</c> (<c>nn.BatchNorm1d</c>). Dropout has no tensor.
/// </para>
/// <para>
/// <c>__metadata__</c> holds <c>format</c> (<c>TransferLearning</c>), <c>format_version</c> (<c>1</c>),
/// <c>network.input_size</c>, <c>network.seed</c>, <c>network.layer_count</c>, and per layer
/// <c>layers.{i}.kind</c> — <c>dense</c> (with <c>units</c>, <c>activation</c> and, when the layer was
/// given one, <c>initializer</c>), <c>dropout</c> (with <c>rate</c>, <c>seed</c> and <c>frozen</c>) or
/// <c>batchnorm</c> (with <c>momentum</c> and <c>epsilon</c>) — and, per parameter, <c>{name}.frozen</c>. Each
/// kind writes and reads its own settings (<see cref="Layer.WriteSettings"/> and its reader in
/// <see cref="LayerKinds"/>, the one list of kinds): nothing in a file names a type to create.
/// </para>
/// </remarks>
internal static class NetworkFormat
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The value of the <c>format</c> key.</summary>
    public const string FormatName = "TransferLearning";

    /// <summary>The most units (or inputs) a loaded layer may have.</summary>
    public const int MaxUnits = LayerRecordReader.MaxUnits;

    /// <summary>The most layers a loaded network may have.</summary>
    public const int MaxLayers = 10_000;

    /// <summary>The metadata and tensors that describe <paramref name="network"/>.</summary>
    public static (MetadataWriter Metadata, List<SavedTensor> Tensors) Describe(Network network)
    {
        var metadata = new MetadataWriter();
        metadata.Set("format", FormatName);
        metadata.Set("format_version", Version);
        metadata.Set("network.input_size", network.InputSize);
        metadata.Set("network.seed", network.Seed);
        metadata.Set("network.layer_count", network.Layers.Count);
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            string prefix = LayerKey(l);
            metadata.Set(prefix + "kind", layer.Kind);
            layer.WriteSettings(new RecordWriter(metadata, prefix));
            foreach (var p in layer.Parameters)
            {
                metadata.Set(p.Name + ".frozen", p.IsFrozen);
            }
        }

        var tensors = Tensors(network).Select(t => new SavedTensor(t.Parameter.Name, t.Shape, RowMajor(t.Parameter))).ToList();
        return (metadata, tensors);
    }

    /// <summary>Every parameter and buffer of <paramref name="network"/> with its layer and the shape it has in a file, input side first.</summary>
    public static IEnumerable<(Layer Layer, Parameter Parameter, int[] Shape)> Tensors(Network network) =>
        network.Layers.SelectMany(layer => layer.SavedTensors().Select(t => (layer, t.Parameter, t.Shape)));

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
        var plan = new List<Func<Layer>>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        int inputs = inputSize;
        for (int l = 0; l < layerCount; l++)
        {
            string prefix = LayerKey(l);
            string kind = metadata.String(prefix + "kind");
            var read = LayerKinds.ReaderOf(kind)
                ?? throw metadata.Error($"metadata '{prefix}kind' is '{kind}'; expected {string.Join(", ", LayerKinds.Names)}.");
            var layerPlan = read(new RecordReader(reader, metadata, l, layerCount, inputs, expected));
            plan.Add(() => WithFrozenParameters(layerPlan.Build(), metadata, prefix));
            inputs = layerPlan.OutputSize;
        }

        var extra = reader.Header.Tensors.FirstOrDefault(t => !expected.Contains(t.Name));
        if (extra is not null)
        {
            throw metadata.Error($"tensor '{extra.Name}' belongs to no layer of the architecture ({layerCount} layers, {expected.Count} tensors).");
        }

        var network = Network.Create(inputSize, seed);
        try
        {
            foreach (var build in plan)
            {
                network.Add(build());
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw metadata.Error($"the architecture it describes is not valid: {e.Message}");
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

    /// <summary>A value the layer of <paramref name="target"/> refuses beyond finiteness (a negative running variance).</summary>
    public static void CheckValues(SafeTensorsReader reader, string tensorName, Layer layer, Parameter target, ReadOnlySpan<float> values)
    {
        if (layer.CheckValues(target, values) is string problem)
        {
            throw reader.Error($"tensor '{tensorName}' {problem}.");
        }
    }

    /// <summary>Sets each parameter's freezing from <c>{name}.frozen</c>.</summary>
    private static Layer WithFrozenParameters(Layer layer, MetadataReader metadata, string prefix)
    {
        foreach (var p in layer.Parameters)
        {
            p.IsFrozen = metadata.Bool(prefix + p.LocalName + ".frozen");
        }

        return layer;
    }

    private static TensorEntry Expect(SafeTensorsReader reader, MetadataReader metadata, string name, int[] shape, HashSet<string> expected)
    {
        var entry = reader.Header.Find(name) ?? throw metadata.Error($"tensor '{name}' of the architecture is missing.");
        if (!entry.HasShape(shape))
        {
            throw metadata.Error($"tensor '{name}' is {entry.ShapeText} but the architecture needs {TensorEntry.FormatShape(shape)}.");
        }

        expected.Add(name);
        return entry;
    }

    private static string LayerKey(int index) => string.Create(CultureInfo.InvariantCulture, $"layers.{index}.");

    /// <summary>A layer kind's settings, written under <c>layers.{i}.</c>.</summary>
    private sealed class RecordWriter(MetadataWriter metadata, string prefix) : LayerRecordWriter
    {
        public override void Set(string key, string value) => metadata.Set(prefix + key, value);

        public override void Set(string key, long value) => metadata.Set(prefix + key, value);

        public override void Set(string key, float value) => metadata.Set(prefix + key, value);

        public override void Set(string key, bool value) => metadata.Set(prefix + key, value);
    }

    /// <summary>Layer <paramref name="index"/>'s settings and tensors, for its kind to read; every tensor it declares is noted in <paramref name="expected"/>.</summary>
    private sealed class RecordReader(SafeTensorsReader reader, MetadataReader metadata, int index, int layerCount, int inputSize, HashSet<string> expected)
        : LayerRecordReader
    {
        private readonly string _prefix = LayerKey(index);

        public override int Index => index;

        public override int LayerCount => layerCount;

        public override int InputSize => inputSize;

        public override bool Has(string key) => metadata.Has(_prefix + key);

        public override string String(string key) => metadata.String(_prefix + key);

        public override int Int(string key, int min = int.MinValue, int max = int.MaxValue) => metadata.Int(_prefix + key, min, max);

        public override float Float(string key) => metadata.Float(_prefix + key);

        public override bool Bool(string key) => metadata.Bool(_prefix + key);

        public override Func<float[]> Tensor(string localName, params int[] shape)
        {
            var entry = Expect(reader, metadata, _prefix + localName, shape, expected);
            return () => ColumnMajor(reader.ReadFloats(entry), shape[0], shape.Length > 1 ? shape[1] : 1);
        }

        public override Exception Error(string problem) => metadata.Error(problem);
    }
}
