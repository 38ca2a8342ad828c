using System.Buffers;
using Google.Protobuf;

namespace TransferLearning.Onnx.Protobuf;

// One protobuf message being written, field by field, with Google.Protobuf's CodedOutputStream. A nested
// message is written whole first and then embedded as a length-delimited field: the ONNX messages a dense
// network needs are small (the weights go in as raw bytes), so the copies cost nothing that matters.
internal sealed class ProtoMessage
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    public ProtoMessage Int64(int field, long value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    });

    public ProtoMessage Int32(int field, int value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt32(value);
    });

    public ProtoMessage Float(int field, float value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
    });

    public ProtoMessage String(int field, string value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    });

    public ProtoMessage Bytes(int field, byte[] value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    });

    public ProtoMessage Message(int field, ProtoMessage value) => Bytes(field, value.ToArray());

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    // One field through a CodedOutputStream of its own, flushed into the message's bytes.
    private ProtoMessage Write(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        using (var output = new CodedOutputStream(stream, leaveOpen: true))
        {
            write(output);
        }

        _bytes.Write(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        return this;
    }
}
