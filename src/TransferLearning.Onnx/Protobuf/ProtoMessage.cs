using Google.Protobuf;

namespace TransferLearning.Onnx.Protobuf;

// One protobuf message being written, field by field, with Google.Protobuf's CodedOutputStream. A nested
// message is written whole first and then embedded as a length-delimited field: the ONNX messages a dense
// network needs are small (the weights go in as raw bytes), so the copy costs nothing that matters.
internal sealed class ProtoMessage
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage()
    {
        _output = new CodedOutputStream(_stream, leaveOpen: true);
    }

    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoMessage Int32(int field, int value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt32(value);
        return this;
    }

    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoMessage Bytes(int field, byte[] value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public ProtoMessage Message(int field, ProtoMessage value) => Bytes(field, value.ToArray());

    public byte[] ToArray()
    {
        _output.Flush();
        return _stream.ToArray();
    }
}
