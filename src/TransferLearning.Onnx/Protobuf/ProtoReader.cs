using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TransferLearning.Onnx.Protobuf;

// The protobuf wire types (https://protobuf.dev/programming-guides/encoding/); groups (3, 4) are refused.
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

// Reads one protobuf message, field by field, from bytes already in memory, checking every length against what is
// left: a truncated or corrupt message is an InvalidDataException naming the byte offset, never a read past the
// end, a huge allocation or a loop that does not advance (each call consumes at least one byte or throws). Nested
// messages are read by handing their bytes to a new reader, so the depth is that of the caller's code (ONNX's
// messages here nest at most six deep), not the file's.
internal struct ProtoReader
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _origin;
    private int _position;

    public ProtoReader(ReadOnlyMemory<byte> bytes, long origin = 0)
    {
        _bytes = bytes;
        _origin = origin;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _bytes.Length;

    // The offset in the outermost message of the next byte to read, for error messages.
    private readonly long Offset => _origin + _position;

    // Reads the next field's tag; false at the end of the message.
    public bool Next(out int field, out WireType wireType)
    {
        if (AtEnd)
        {
            field = 0;
            wireType = default;
            return false;
        }

        long start = Offset;
        ulong tag = ReadVarint();
        int type = (int)(tag & 7);
        ulong number = tag >> 3;
        if (number is 0 or > 536_870_911)
        {
            throw Corrupt(start, string.Create(CultureInfo.InvariantCulture, $"field number {number} is outside 1 to 2^29 - 1"));
        }

        if (type is not (0 or 1 or 2 or 5))
        {
            throw Corrupt(start, string.Create(CultureInfo.InvariantCulture, $"wire type {type} of field {number} is not one of 0, 1, 2 or 5"));
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    public ulong ReadVarint()
    {
        var span = _bytes.Span;
        long start = Offset;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw Corrupt(start, "a varint runs past the end of its message");
            }

            byte b = span[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Corrupt(start, "a varint is longer than 10 bytes");
    }

    public uint ReadFixed32()
    {
        var span = Take(4);
        return BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    public ulong ReadFixed64()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadUInt64LittleEndian(span);
    }

    // The bytes of a length-delimited field (a string, bytes, a nested message or a packed repeated field).
    public ReadOnlyMemory<byte> ReadBytes() => ReadBytes(out _);

    public ReadOnlyMemory<byte> ReadBytes(out long origin)
    {
        long start = Offset;
        ulong length = ReadVarint();
        if (length > (ulong)(_bytes.Length - _position))
        {
            throw Corrupt(start, string.Create(
                CultureInfo.InvariantCulture, $"a field of {length} bytes runs past the end of its message ({_bytes.Length - _position} bytes left)"));
        }

        origin = Offset;
        var bytes = _bytes.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    // A nested message, read by a reader of its own.
    public ProtoReader ReadMessage()
    {
        var bytes = ReadBytes(out long origin);
        return new ProtoReader(bytes, origin);
    }

    public string ReadString()
    {
        long start = Offset;
        var bytes = ReadBytes();
        try
        {
            return Strict.GetString(bytes.Span);
        }
        catch (DecoderFallbackException e)
        {
            throw Corrupt(start, "a string is not valid UTF-8", e);
        }
    }

    public long ReadInt64(WireType wireType)
    {
        Expect(wireType, WireType.Varint);
        return (long)ReadVarint();
    }

    public float ReadFloat(WireType wireType)
    {
        Expect(wireType, WireType.Fixed32);
        return BitConverter.UInt32BitsToSingle(ReadFixed32());
    }

    // Skips a field of any accepted wire type.
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            default:
                Take(4);
                break;
        }
    }

    // A repeated int64 field: one value (unpacked), or a packed run of varints.
    public void ReadInt64s(WireType wireType, List<long> into, int limit)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = ReadMessage();
            while (!packed.AtEnd)
            {
                Add(into, (long)packed.ReadVarint(), limit);
            }

            return;
        }

        Add(into, ReadInt64(wireType), limit);
    }

    // A repeated float field: one value (unpacked), or a packed run of little-endian floats.
    public void ReadFloats(WireType wireType, List<float> into, int limit)
    {
        if (wireType == WireType.LengthDelimited)
        {
            long start = Offset;
            var packed = ReadBytes().Span;
            if (packed.Length % 4 != 0 || into.Count + (packed.Length / 4) > limit)
            {
                throw Corrupt(start, string.Create(
                    CultureInfo.InvariantCulture, $"a packed float field of {packed.Length} bytes is not a whole number of floats, or more than {limit}"));
            }

            for (int i = 0; i < packed.Length; i += 4)
            {
                into.Add(BinaryPrimitives.ReadSingleLittleEndian(packed[i..]));
            }

            return;
        }

        Add(into, ReadFloat(wireType), limit);
    }

    private readonly void Expect(WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw Corrupt(Offset, string.Create(CultureInfo.InvariantCulture, $"expected wire type {(int)expected} but found {(int)actual}"));
        }
    }

    private void Add<T>(List<T> into, T value, int limit)
    {
        if (into.Count >= limit)
        {
            throw Corrupt(Offset, string.Create(CultureInfo.InvariantCulture, $"a repeated field has more than {limit} values"));
        }

        into.Add(value);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_bytes.Length - _position < count)
        {
            throw Corrupt(Offset, string.Create(CultureInfo.InvariantCulture, $"a {count}-byte value runs past the end of its message"));
        }

        var span = _bytes.Span.Slice(_position, count);
        _position += count;
        return span;
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static InvalidDataException Corrupt(long offset, string problem, Exception? inner = null) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{problem} (byte {offset})"), inner);
}
