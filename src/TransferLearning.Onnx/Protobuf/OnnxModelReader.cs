using System.Buffers.Binary;
using System.Globalization;

namespace TransferLearning.Onnx.Protobuf;

// What the importer needs of an ONNX ModelProto (onnx/onnx.proto, field numbers below), read with ProtoReader. Fields
// it does not need are skipped; those that would change the meaning of what it reads (external or segmented tensor
// data) are kept as facts so the importer can refuse them by name. Counts are capped so that a corrupt file cannot
// make it build huge lists; a tensor's values are decoded only after its bytes were found in the file.
internal static class OnnxModelReader
{
    // Caps on counts (far above any dense network's) and on a tensor's rank.
    private const int MaxNodes = 1_000_000;
    private const int MaxListed = 1_000_000;
    private const int MaxRank = 16;

    public static OnnxModel ReadModel(ReadOnlyMemory<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var model = new OnnxModel();
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.Varint:
                    model.IrVersion = (long)reader.ReadVarint();
                    break;
                case 2 when wire == WireType.LengthDelimited:
                    model.ProducerName = reader.ReadString();
                    break;
                case 7 when wire == WireType.LengthDelimited:
                    if (model.Graph is not null)
                    {
                        throw new InvalidDataException("the model has more than one graph field");
                    }

                    model.Graph = ReadGraph(reader.ReadMessage());
                    break;
                case 8 when wire == WireType.LengthDelimited:
                    var opset = ReadOpset(reader.ReadMessage());
                    Add(model.Opsets, opset, "opset imports");
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return model;
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader reader)
    {
        string domain = string.Empty;
        long version = 0;
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    domain = reader.ReadString();
                    break;
                case 2:
                    version = reader.ReadInt64(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (domain, version);
    }

    private static OnnxGraph ReadGraph(ProtoReader reader)
    {
        var graph = new OnnxGraph();
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    if (graph.Nodes.Count >= MaxNodes)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the graph has more than {MaxNodes} nodes"));
                    }

                    graph.Nodes.Add(ReadNode(reader.ReadMessage(), graph.Nodes.Count));
                    break;
                case 5 when wire == WireType.LengthDelimited:
                    Add(graph.Initializers, ReadTensor(reader.ReadMessage()), "initializers");
                    break;
                case 11 when wire == WireType.LengthDelimited:
                    Add(graph.Inputs, ReadValueInfo(reader.ReadMessage()), "graph inputs");
                    break;
                case 12 when wire == WireType.LengthDelimited:
                    Add(graph.Outputs, ReadValueInfo(reader.ReadMessage()), "graph outputs");
                    break;
                case 13 when wire == WireType.LengthDelimited:
                    Add(graph.ValueInfos, ReadValueInfo(reader.ReadMessage()), "value infos");
                    break;
                case 15 when wire == WireType.LengthDelimited:
                    graph.SparseInitializers++;
                    reader.Skip(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return graph;
    }

    private static OnnxNode ReadNode(ProtoReader reader, int index)
    {
        var node = new OnnxNode { Index = index };
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    Add(node.Inputs, reader.ReadString(), "node inputs");
                    break;
                case 2 when wire == WireType.LengthDelimited:
                    Add(node.Outputs, reader.ReadString(), "node outputs");
                    break;
                case 3 when wire == WireType.LengthDelimited:
                    node.Name = reader.ReadString();
                    break;
                case 4 when wire == WireType.LengthDelimited:
                    node.OpType = reader.ReadString();
                    break;
                case 5 when wire == WireType.LengthDelimited:
                    Add(node.Attributes, ReadAttribute(reader.ReadMessage()), "node attributes");
                    break;
                case 7 when wire == WireType.LengthDelimited:
                    node.Domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return node;
    }

    private static OnnxAttribute ReadAttribute(ProtoReader reader)
    {
        var attribute = new OnnxAttribute();
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    attribute.Name = reader.ReadString();
                    break;
                case 2:
                    attribute.Float = reader.ReadFloat(wire);
                    break;
                case 3:
                    attribute.Int = reader.ReadInt64(wire);
                    break;
                case 5 when wire == WireType.LengthDelimited:
                    attribute.Tensor = ReadTensor(reader.ReadMessage());
                    break;
                case 8:
                    reader.ReadInt64s(wire, attribute.Ints, MaxListed);
                    break;
                case 20:
                    attribute.Type = reader.ReadInt64(wire);
                    break;
                case 21 when wire == WireType.LengthDelimited:
                    attribute.RefersToFunctionAttribute = true;
                    reader.Skip(wire);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return attribute;
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == WireType.LengthDelimited:
                    info.Name = reader.ReadString();
                    break;
                case 2 when wire == WireType.LengthDelimited:
                    ReadType(reader.ReadMessage(), info);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return info;
    }

    // TypeProto: only tensor_type (1) is read: elem_type (1) and shape (2) -> dim (1) -> dim_value (1) / dim_param (2).
    private static void ReadType(ProtoReader reader, OnnxValueInfo info)
    {
        while (reader.Next(out int field, out var wire))
        {
            if (field != 1 || wire != WireType.LengthDelimited)
            {
                reader.Skip(wire);
                continue;
            }

            info.IsTensor = true;
            var tensorType = reader.ReadMessage();
            while (tensorType.Next(out int tensorField, out var tensorWire))
            {
                if (tensorField == 1)
                {
                    info.ElementType = tensorType.ReadInt64(tensorWire);
                }
                else if (tensorField == 2 && tensorWire == WireType.LengthDelimited)
                {
                    info.Shape = [];
                    var shape = tensorType.ReadMessage();
                    while (shape.Next(out int shapeField, out var shapeWire))
                    {
                        if (shapeField != 1 || shapeWire != WireType.LengthDelimited)
                        {
                            shape.Skip(shapeWire);
                            continue;
                        }

                        long? value = null;
                        var dim = shape.ReadMessage();
                        while (dim.Next(out int dimField, out var dimWire))
                        {
                            if (dimField == 1)
                            {
                                value = dim.ReadInt64(dimWire);
                            }
                            else
                            {
                                dim.Skip(dimWire);
                            }
                        }

                        Add(info.Shape, value, "dimensions");
                    }
                }
                else
                {
                    tensorType.Skip(tensorWire);
                }
            }
        }
    }

    private static OnnxTensor ReadTensor(ProtoReader reader)
    {
        var tensor = new OnnxTensor();
        var dims = new List<long>();
        var floatData = new List<float>();
        var int32Data = new List<long>();
        var int64Data = new List<long>();
        ReadOnlyMemory<byte>? raw = null;
        while (reader.Next(out int field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wire, dims, MaxRank);
                    break;
                case 2:
                    tensor.DataType = reader.ReadInt64(wire);
                    break;
                case 3:
                    tensor.IsSegmented = true;
                    reader.Skip(wire);
                    break;
                case 4:
                    reader.ReadFloats(wire, floatData, Array.MaxLength);
                    break;
                case 5:
                    reader.ReadInt64s(wire, int32Data, Array.MaxLength);
                    break;
                case 7:
                    reader.ReadInt64s(wire, int64Data, Array.MaxLength);
                    break;
                case 8 when wire == WireType.LengthDelimited:
                    tensor.Name = reader.ReadString();
                    break;
                case 9 when wire == WireType.LengthDelimited:
                    raw = reader.ReadBytes();
                    break;
                case 13:
                    tensor.IsExternal = true;
                    reader.Skip(wire);
                    break;
                case 14:
                    tensor.IsExternal |= reader.ReadInt64(wire) != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        tensor.Dims = [.. dims];
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0 || (d > 0 && count > Array.MaxLength / d))
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture, $"tensor '{tensor.Name}' has the shape [{string.Join(", ", dims)}], which is negative or too large"));
            }

            count *= d;
        }

        tensor.ElementCount = count;
        if (tensor.IsExternal || tensor.IsSegmented)
        {
            return tensor;
        }

        if (tensor.DataType == OnnxTensor.Float)
        {
            tensor.Floats = raw is { } bytes ? DecodeFloats(bytes.Span, count, tensor.Name) : Exactly(floatData, count, tensor.Name);
        }
        else if (tensor.DataType is OnnxTensor.Bool or OnnxTensor.Int32 or OnnxTensor.Int64)
        {
            tensor.Integers = raw is { } rawIntegers ? DecodeIntegers(rawIntegers.Span, count, tensor.DataType, tensor.Name)
                : Exactly(tensor.DataType == OnnxTensor.Int64 ? int64Data : int32Data, count, tensor.Name);
        }

        return tensor;
    }

    private static float[] DecodeFloats(ReadOnlySpan<byte> raw, long count, string name)
    {
        if (raw.Length != count * sizeof(float))
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture, $"tensor '{name}' has {count} elements but {raw.Length} bytes of raw_data (expected {count * sizeof(float)})"));
        }

        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }

        return values;
    }

    private static long[] DecodeIntegers(ReadOnlySpan<byte> raw, long count, long dataType, string name)
    {
        int size = dataType switch { OnnxTensor.Bool => 1, OnnxTensor.Int32 => 4, _ => 8 };
        if (raw.Length != count * size)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture, $"tensor '{name}' has {count} elements but {raw.Length} bytes of raw_data (expected {count * size})"));
        }

        var values = new long[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = size switch
            {
                1 => raw[i],
                4 => BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]),
                _ => BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]),
            };
        }

        return values;
    }

    private static T[] Exactly<T>(List<T> values, long count, string name) =>
        values.Count == count
            ? [.. values]
            : throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture, $"tensor '{name}' has {count} elements but {values.Count} values"));

    private static void Add<T>(List<T> list, T item, string what)
    {
        if (list.Count >= MaxListed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"more than {MaxListed} {what}"));
        }

        list.Add(item);
    }
}

// The parts of an ONNX model the importer reads.
internal sealed class OnnxModel
{
    public long IrVersion { get; set; }

    public string ProducerName { get; set; } = string.Empty;

    public OnnxGraph? Graph { get; set; }

    public List<(string Domain, long Version)> Opsets { get; } = [];
}

internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    // The shapes of inner values, when the exporter wrote them (value_info).
    public List<OnnxValueInfo> ValueInfos { get; } = [];

    public int SparseInitializers { get; set; }
}

internal sealed class OnnxNode
{
    public int Index { get; init; }

    public string Name { get; set; } = string.Empty;

    public string OpType { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public List<OnnxAttribute> Attributes { get; } = [];

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"node {Index} '{Name}' ({OpType})");
}

internal sealed class OnnxAttribute
{
    public string Name { get; set; } = string.Empty;

    public long Type { get; set; }

    public float? Float { get; set; }

    public long? Int { get; set; }

    public OnnxTensor? Tensor { get; set; }

    public List<long> Ints { get; } = [];

    public bool RefersToFunctionAttribute { get; set; }
}

internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = string.Empty;

    public bool IsTensor { get; set; }

    public long ElementType { get; set; }

    // null when the value has no shape; a dimension is null when it is symbolic or unknown.
    public List<long?>? Shape { get; set; }
}

internal sealed class OnnxTensor
{
    public const long Float = 1;
    public const long Int32 = 6;
    public const long Int64 = 7;
    public const long Bool = 9;

    public string Name { get; set; } = string.Empty;

    public long DataType { get; set; }

    public long[] Dims { get; set; } = [];

    public long ElementCount { get; set; }

    public bool IsExternal { get; set; }

    public bool IsSegmented { get; set; }

    // The values of a FLOAT tensor (raw_data or float_data), row-major; null for another data type.
    public float[]? Floats { get; set; }

    // The values of a BOOL, INT32 or INT64 tensor; null for another data type.
    public long[]? Integers { get; set; }
}
