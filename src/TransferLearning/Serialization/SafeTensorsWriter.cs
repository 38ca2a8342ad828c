using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace TransferLearning.Serialization;

/// <summary>
/// Writes float32 (and I64) tensors and metadata strings in the safetensors format: an 8-byte little-endian header
/// length, the JSON header padded with spaces to a multiple of 8 bytes, then each tensor's elements,
/// little-endian, in the order given.
/// </summary>
internal static class SafeTensorsWriter
{
    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SavedTensor> tensors)
    {
        byte[] header = Header(metadata, tensors);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var tensor in tensors)
        {
            if (tensor.Int64Values is { } integers)
            {
                var bytes = new byte[integers.Length * sizeof(long)];
                for (int i = 0; i < integers.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), integers[i]);
                }

                stream.Write(bytes);
            }
            else if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
            }
            else
            {
                var bytes = new byte[tensor.Values.Length * sizeof(float)];
                for (int i = 0; i < tensor.Values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), tensor.Values[i]);
                }

                stream.Write(bytes);
            }
        }
    }

    private static byte[] Header(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SavedTensor> tensors)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                long end = offset + tensor.ByteCount;
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.Name());
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so that the data section starts 8-byte aligned (as the reference implementation does).
        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }
}
