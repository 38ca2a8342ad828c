using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
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
/// <c>layers.{i}.kind</c> — <c>dense</c> (with <c>units</c> and <c>activation</c>), <c>dropout</c> (with
/// <c>rate</c>, <c>seed</c> and <c>frozen</c>) or <c>batchnorm</c> (with <c>momentum</c> and <c>epsilon</c>) —
/// and, per parameter, <c>{name}.frozen</c>. The mapping from kind to layer is the closed list in this class:
/// nothing in a file names a type to create.
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
    private const string DropoutKind = "dropout";
    private const string BatchNormKind = "batchnorm";

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
            string prefix = LayerKey(l);
            switch (network.Layers[l])
            {
                case DenseLayer dense:
                    metadata.Set(prefix + "kind", DenseKind);
                    metadata.Set(prefix + "units", dense.OutputSize);
                    metadata.Set(prefix + "activation", ActivationFormat.Name(dense.Activation));
                    break;
                case DropoutLayer dropout:
                    metadata.Set(prefix + "kind", DropoutKind);
                    metadata.Set(prefix + "rate", dropout.Rate);
                    metadata.Set(prefix + "seed", dropout.Seed);
                    metadata.Set(prefix + "frozen", dropout.IsFrozen);
                    break;
                case BatchNormLayer batchNorm:
                    metadata.Set(prefix + "kind", BatchNormKind);
                    metadata.Set(prefix + "momentum", batchNorm.Momentum);
                    metadata.Set(prefix + "epsilon", batchNorm.Epsilon);
                    break;
                default:
                    throw new NotSupportedException($"Layer {l} ({network.Layers[l]}) has no stored form.");
            }

            foreach (var p in network.Layers[l].Parameters)
            {
                metadata.Set(p.Name + ".frozen", p.IsFrozen);
            }
        }

        var tensors = Tensors(network).Select(t => new SavedTensor(t.Parameter.Name, t.Shape, RowMajor(t.Parameter))).ToList();
        return (metadata, tensors);
    }

    /// <summary>Every parameter and buffer of <paramref name="network"/> with the shape it has in a file, input side first.</summary>
    public static IEnumerable<(Parameter Parameter, int[] Shape)> Tensors(Network network)
    {
        foreach (var layer in network.Layers)
        {
            if (layer is DenseLayer dense)
            {
                yield return (dense.Weight, [dense.OutputSize, dense.InputSize]);
                yield return (dense.Bias, [dense.OutputSize]);
                continue;
            }

            foreach (var p in layer.Parameters.Concat(layer.Buffers))
            {
                yield return (p, [p.Length]);
            }
        }
    }

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
            plan.Add(kind switch
            {
                DenseKind => PlanDense(reader, metadata, l, layerCount, ref inputs, expected),
                DropoutKind => PlanDropout(metadata, prefix, inputs),
                BatchNormKind => PlanBatchNorm(reader, metadata, l, inputs, expected),
                _ => throw metadata.Error($"metadata '{prefix}kind' is '{kind}'; expected {DenseKind}, {DropoutKind} or {BatchNormKind}."),
            });
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

    private static Func<Layer> PlanDense(SafeTensorsReader reader, MetadataReader metadata, int l, int layerCount, ref int inputs, HashSet<string> expected)
    {
        string prefix = LayerKey(l);
        int units = metadata.Int(prefix + "units", 1, MaxUnits);
        var activation = ActivationFormat.Parse(metadata, prefix + "activation");
        if (activation.IsOutputOnly && l < layerCount - 1)
        {
            throw metadata.Error($"layer {l} is {activation.Name}, which may only be the output layer, but {layerCount} layers are listed.");
        }

        var weight = Expect(reader, metadata, prefix + "weight", [units, inputs], expected);
        var bias = Expect(reader, metadata, prefix + "bias", [units], expected);
        bool weightFrozen = metadata.Bool(prefix + "weight.frozen");
        bool biasFrozen = metadata.Bool(prefix + "bias.frozen");
        inputs = units;
        return () =>
        {
            var w = Matrix<float>.Build.Dense(weight.Shape[0], weight.Shape[1], ColumnMajor(reader.ReadFloats(weight), weight.Shape[0], weight.Shape[1]));
            var layer = DenseLayer.FromWeights(w, Vector<float>.Build.Dense(reader.ReadFloats(bias)), activation);
            layer.Weight.IsFrozen = weightFrozen;
            layer.Bias.IsFrozen = biasFrozen;
            return layer;
        };
    }

    private static Func<Layer> PlanDropout(MetadataReader metadata, string prefix, int inputs)
    {
        float rate = metadata.Float(prefix + "rate");
        if (!(rate >= 0f && rate < 1f))
        {
            throw metadata.Error($"metadata '{prefix}rate' is {rate.ToString(CultureInfo.InvariantCulture)}; expected a rate in [0, 1).");
        }

        int seed = metadata.Int(prefix + "seed");
        bool frozen = metadata.Bool(prefix + "frozen");
        return () =>
        {
            var layer = DropoutLayer.Create(inputs, rate, seed);
            if (frozen)
            {
                layer.Freeze();
            }

            return layer;
        };
    }

    private static Func<Layer> PlanBatchNorm(SafeTensorsReader reader, MetadataReader metadata, int l, int inputs, HashSet<string> expected)
    {
        string prefix = LayerKey(l);
        float momentum = metadata.Float(prefix + "momentum");
        float epsilon = metadata.Float(prefix + "epsilon");
        if (!(momentum > 0f && momentum <= 1f) || !(epsilon > 0f))
        {
            throw metadata.Error($"layer {l}: momentum {momentum.ToString(CultureInfo.InvariantCulture)} must be in (0, 1] and epsilon {epsilon.ToString(CultureInfo.InvariantCulture)} positive.");
        }

        string[] names = ["weight", "bias", "running_mean", "running_var"];
        var entries = names.Select(n => Expect(reader, metadata, prefix + n, [inputs], expected)).ToArray();
        bool scaleFrozen = metadata.Bool(prefix + "weight.frozen");
        bool shiftFrozen = metadata.Bool(prefix + "bias.frozen");
        return () =>
        {
            var layer = BatchNormLayer.Create(inputs, momentum, epsilon);
            Parameter[] targets = [layer.Scale, layer.Shift, layer.RunningMean, layer.RunningVariance];
            for (int k = 0; k < targets.Length; k++)
            {
                targets[k].SetValues(Matrix<float>.Build.Dense(inputs, 1, reader.ReadFloats(entries[k])));
            }

            CheckVariance(reader, prefix + "running_var", layer.RunningVariance, layer.RunningVariance.Values);
            layer.Scale.IsFrozen = scaleFrozen;
            layer.Shift.IsFrozen = shiftFrozen;
            return layer;
        };
    }

    /// <summary>A running variance must not be negative (its square root would be NaN).</summary>
    public static void CheckVariance(SafeTensorsReader reader, string tensorName, Parameter target, ReadOnlySpan<float> values)
    {
        if (target.LocalName == "running_var" && values.IndexOfAnyInRange(float.MinValue, -float.Epsilon) is int at and >= 0)
        {
            throw reader.Error($"tensor '{tensorName}' holds the negative variance {values[at].ToString(CultureInfo.InvariantCulture)} at element {at}.");
        }
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
}
