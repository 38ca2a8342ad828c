using System.Text;

namespace TransferLearning.OnnxRuntime;

/// <summary>
/// The little of the ONNX protobuf format the body needs, read and written by hand (no protobuf dependency): the
/// names of a graph's inputs, outputs and node outputs, and a copy of a model with one more graph output.
/// </summary>
/// <remarks>
/// A <c>ModelProto</c> holds its graph in field 7; a <c>GraphProto</c> its nodes in field 1, inputs in field 11 and
/// outputs in field 12 (<c>ValueInfoProto</c>, name in field 1); a <c>NodeProto</c> its output names in field 2
/// (onnx.proto3). Protobuf allows the fields of a message in any order and concatenates repeated ones, so appending
/// one field-12 entry to the graph's bytes (and rewriting the graph's length) declares one more output, the rest of
/// the file byte for byte as it was.
/// </remarks>
internal static class OnnxModelBytes
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLength = 2;
    private const int WireFixed32 = 5;
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int NodeOutput = 2;
    private const int ValueInfoName = 1;

    /// <summary>The names a graph declares: its inputs, its outputs, and every value a node computes, in node order.</summary>
    internal sealed record GraphNames(IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<string> NodeOutputs);

    /// <summary>Reads the names of the main graph's inputs, outputs and node outputs.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a protobuf ModelProto with a graph.</exception>
    internal static GraphNames ReadNames(ReadOnlySpan<byte> model)
    {
        var (start, length) = LastField(model, ModelGraph) ?? throw new InvalidDataException("Expected an ONNX model with a graph (ModelProto field 7) but found none.");
        ReadOnlySpan<byte> graph = model.Slice(start, length);
        List<string> inputs = [], outputs = [], values = [];
        int pos = 0;
        while (pos < graph.Length)
        {
            var (field, wire) = ReadTag(graph, ref pos);
            if (wire != WireLength)
            {
                Skip(graph, ref pos, wire);
                continue;
            }

            ReadOnlySpan<byte> body = ReadLength(graph, ref pos);
            switch (field)
            {
                case GraphNode:
                    values.AddRange(Strings(body, NodeOutput));
                    break;
                case GraphInput:
                    inputs.AddRange(Strings(body, ValueInfoName));
                    break;
                case GraphOutput:
                    outputs.AddRange(Strings(body, ValueInfoName));
                    break;
            }
        }

        return new GraphNames(inputs, outputs, values);
    }

    /// <summary>
    /// A copy of <paramref name="model"/> whose graph declares <paramref name="name"/> an output too: a ValueInfoProto
    /// with the name only. ONNX Runtime infers the output's type and shape from the node that computes it (the ONNX
    /// checker would want a type; a type written here would have to be guessed, and a wrong guess fails the load).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a protobuf ModelProto with a graph.</exception>
    internal static byte[] WithOutput(ReadOnlySpan<byte> model, string name)
    {
        var (start, length) = LastField(model, ModelGraph) ?? throw new InvalidDataException("Expected an ONNX model with a graph (ModelProto field 7) but found none.");
        byte[] valueInfo = Field(ValueInfoName, WireLength, Encoding.UTF8.GetBytes(name));
        byte[] output = Field(GraphOutput, WireLength, valueInfo);

        // The graph field's tag ends where its length varint begins: find that by walking back over the varint.
        int lengthStart = start - 1;
        while (lengthStart > 0 && (model[lengthStart - 1] & 0x80) != 0)
        {
            lengthStart--;
        }

        byte[] newLength = Varint((ulong)(length + output.Length));
        var result = new byte[lengthStart + newLength.Length + length + output.Length + (model.Length - start - length)];
        var span = result.AsSpan();
        model[..lengthStart].CopyTo(span);
        span = span[lengthStart..];
        newLength.CopyTo(span);
        span = span[newLength.Length..];
        model.Slice(start, length).CopyTo(span);
        span = span[length..];
        output.CopyTo(span);
        span = span[output.Length..];
        model[(start + length)..].CopyTo(span);
        return result;
    }

    private static (int Start, int Length)? LastField(ReadOnlySpan<byte> message, int wanted)
    {
        (int, int)? found = null;
        int pos = 0;
        while (pos < message.Length)
        {
            var (field, wire) = ReadTag(message, ref pos);
            if (wire != WireLength)
            {
                Skip(message, ref pos, wire);
                continue;
            }

            int length = checked((int)ReadVarint(message, ref pos));
            if (length < 0 || length > message.Length - pos)
            {
                throw Malformed();
            }

            if (field == wanted)
            {
                found = (pos, length);
            }

            pos += length;
        }

        return found;
    }

    private static List<string> Strings(ReadOnlySpan<byte> message, int wanted)
    {
        List<string> result = [];
        int pos = 0;
        while (pos < message.Length)
        {
            var (field, wire) = ReadTag(message, ref pos);
            if (wire != WireLength)
            {
                Skip(message, ref pos, wire);
                continue;
            }

            ReadOnlySpan<byte> body = ReadLength(message, ref pos);
            if (field == wanted)
            {
                result.Add(Encoding.UTF8.GetString(body));
            }
        }

        return result;
    }

    private static (int Field, int Wire) ReadTag(ReadOnlySpan<byte> message, ref int pos)
    {
        ulong tag = ReadVarint(message, ref pos);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static ReadOnlySpan<byte> ReadLength(ReadOnlySpan<byte> message, ref int pos)
    {
        ulong length = ReadVarint(message, ref pos);
        if (length > (ulong)(message.Length - pos))
        {
            throw Malformed();
        }

        var body = message.Slice(pos, (int)length);
        pos += (int)length;
        return body;
    }

    private static void Skip(ReadOnlySpan<byte> message, ref int pos, int wire)
    {
        int size = wire switch
        {
            WireVarint => -1,
            WireFixed64 => 8,
            WireFixed32 => 4,
            _ => throw Malformed(),
        };
        if (size < 0)
        {
            ReadVarint(message, ref pos);
        }
        else if (size > message.Length - pos)
        {
            throw Malformed();
        }
        else
        {
            pos += size;
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> message, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= message.Length)
            {
                throw Malformed();
            }

            byte b = message[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw Malformed();
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>(10);
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Field(int field, int wire, byte[] body) =>
        [.. Varint((ulong)((field << 3) | wire)), .. wire == WireLength ? Varint((ulong)body.Length) : [], .. body];

    private static InvalidDataException Malformed() => new("Expected an ONNX model (protobuf ModelProto) but the bytes are malformed.");
}
