using System.Buffers.Binary;
using System.Numerics.Tensors;

namespace TransferLearning.Data;

// The reader's value loop: chunks of big-endian file bytes converted to floats or exact integers.
public static partial class IdxReader
{
    private static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>Reads the values in chunks, converting each to float and scaling it (see <see cref="ReadChunks"/>).</summary>
    private static float[] ReadValues(Stream stream, IdxDataType type, int width, long count, float scale, string path, int header, string offsetKind) =>
        ReadChunks<float>(stream, width, count, path, header, offsetKind, (bytes, target) =>
        {
            switch (type)
            {
                case IdxDataType.UnsignedByte:
                    TensorPrimitives.ConvertChecked<byte, float>(bytes, target);
                    break;
                case IdxDataType.SignedByte:
                    TensorPrimitives.ConvertChecked<sbyte, float>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(bytes), target);
                    break;
                default:
                    for (int i = 0; i < target.Length; i++)
                    {
                        var v = bytes.Slice(i * width, width);
                        target[i] = type switch
                        {
                            IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(v),
                            IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(v),
                            IdxDataType.Single => BinaryPrimitives.ReadSingleBigEndian(v),
                            _ => (float)BinaryPrimitives.ReadDoubleBigEndian(v),
                        };
                    }

                    break;
            }

            if (scale != 1f)
            {
                TensorPrimitives.Multiply(target, scale, target);
            }
        });

    /// <summary>Reads the values of an integer-typed file as <see cref="int"/>, exactly (as <see cref="ReadValues"/>, without the float).</summary>
    private static int[] ReadIntegers(Stream stream, IdxDataType type, int width, long count, string path, int header, string offsetKind) =>
        ReadChunks<int>(stream, width, count, path, header, offsetKind, (bytes, target) =>
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = type switch
                {
                    IdxDataType.UnsignedByte => bytes[i],
                    IdxDataType.SignedByte => (sbyte)bytes[i],
                    IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(bytes.Slice(i * 2, 2)),
                    _ => BinaryPrimitives.ReadInt32BigEndian(bytes.Slice(i * 4, 4)),
                };
            }
        });

    /// <summary>
    /// Reads <paramref name="count"/> values of <paramref name="width"/> bytes in chunks, each chunk converted by
    /// <paramref name="convert"/>. The array grows as the data arrives (doubling, capped at <paramref name="count"/>),
    /// so a header that promises more values than the file holds costs at most about twice the memory of the data
    /// that is really there.
    /// </summary>
    private static T[] ReadChunks<T>(Stream stream, int width, long count, string path, int header, string offsetKind, ChunkConverter<T> convert)
    {
        const int ChunkValues = 1 << 16;
        var buffer = new byte[ChunkValues * width];
        var values = new T[Math.Min(count, ChunkValues)];
        for (long start = 0; start < count; start += ChunkValues)
        {
            int n = (int)Math.Min(ChunkValues, count - start);
            var bytes = buffer.AsSpan(0, n * width);
            ReadExactly(
                stream,
                bytes,
                path,
                header + (start * width),
                offsetKind,
                Invariant.F($"{count:N0} values of {width} byte(s) after the {header}-byte header"));
            if (start + n > values.Length)
            {
                Array.Resize(ref values, (int)Math.Min(count, Math.Max(2L * values.Length, start + n)));
            }

            convert(bytes, values.AsSpan((int)start, n));
        }

        return values;
    }

    /// <summary>Fills <paramref name="buffer"/> or throws a <see cref="DataFormatException"/> saying where the file ended.</summary>
    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, long offset, string offsetKind, string what)
    {
        int read = 0;
        try
        {
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer[read..]);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            // The gzip layer found a corrupt or cut-off compressed stream.
            throw new DataFormatException(
                path,
                Invariant.F($"{offsetKind} {offset + read}"),
                Invariant.F($"The gzip data is damaged or cut off while reading {what}: {e.Message}"),
                e);
        }

        if (read < buffer.Length)
        {
            throw new DataFormatException(
                path,
                Invariant.F($"{offsetKind} {offset + read}"),
                Invariant.F($"The file is truncated: it ends while reading {what}."));
        }
    }

    /// <summary>Converts one chunk of big-endian file bytes into its values.</summary>
    private delegate void ChunkConverter<T>(ReadOnlySpan<byte> bytes, Span<T> target);
}
