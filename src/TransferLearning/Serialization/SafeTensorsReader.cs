using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TransferLearning.Serialization;

/// <summary>
/// Reads a safetensors file whose header has been checked (<see cref="SafeTensorsHeader"/>): one tensor at a
/// time, converted to float32 and checked to be finite. Nothing is read that the header did not prove to be
/// inside the file.
/// </summary>
internal sealed class SafeTensorsReader
{
    private const int ChunkBytes = 64 * 1024;
    private readonly Stream _stream;

    private SafeTensorsReader(Stream stream, string path, SafeTensorsHeader header)
    {
        _stream = stream;
        Path = path;
        Header = header;
    }

    /// <summary>Gets the file's path, for messages.</summary>
    public string Path { get; }

    /// <summary>Gets the checked header.</summary>
    public SafeTensorsHeader Header { get; }

    /// <summary>Reads and checks the header of a seekable stream positioned at the start of the file.</summary>
    /// <exception cref="ModelFormatException">The header is wrong.</exception>
    public static SafeTensorsReader Open(Stream stream, string path)
    {
        long length = stream.Length - stream.Position;
        var header = SafeTensorsHeader.Read(stream, length, path);
        return new SafeTensorsReader(stream, path, header);
    }

    /// <summary>Opens <paramref name="path"/>, checks it and hands the reader to <paramref name="read"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a valid safetensors file, or <paramref name="read"/> finds it wrong.</exception>
    /// <exception cref="IOException">The file could not be read (missing, a directory, not readable); the path and the cause are in the exception.</exception>
    public static T Read<T>(string path, Func<SafeTensorsReader, T> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = FileErrors.OpenRead(path);
        return read(Open(stream, path));
    }

    /// <summary>
    /// Reads from <paramref name="stream"/>, from its current position to its end. A stream that cannot seek, or
    /// that is not at its start, is first copied into memory (the reader seeks to each tensor by its offset).
    /// </summary>
    /// <param name="stream">A readable stream; it is not closed.</param>
    /// <param name="name">What the messages call the stream.</param>
    /// <param name="read">What to read.</param>
    public static T Read<T>(Stream stream, string name, Func<SafeTensorsReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("Expected a readable stream but got one that cannot be read.", nameof(stream));
        }

        if (stream.CanSeek && stream.Position == 0)
        {
            return read(Open(stream, name));
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return read(Open(copy, name));
    }

    /// <summary>Returns a <see cref="ModelFormatException"/> about this file.</summary>
    public ModelFormatException Error(string problem) => new(Path, problem);

    /// <summary>Reads <paramref name="tensor"/>'s elements, row-major, as float32.</summary>
    /// <exception cref="ModelFormatException">The tensor is not floating-point, or holds NaN or ±∞ (also after conversion to float32).</exception>
    public float[] ReadFloats(TensorEntry tensor)
    {
        if (!tensor.DType.IsFloatingPoint())
        {
            throw Error($"tensor '{tensor.Name}' is {tensor.DType.Name()}; expected F32, F64, F16 or BF16.");
        }

        var values = new float[tensor.ElementCount];
        _stream.Position = Header.DataStart + tensor.Begin;
        if (tensor.DType == SafeTensorsDType.F32)
        {
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            _stream.ReadExactly(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values.AsSpan()), MemoryMarshal.Cast<float, int>(values.AsSpan()));
            }
        }
        else
        {
            ReadConverted(tensor.DType, values);
        }

        if (!Guard.IsAllFinite(values))
        {
            int at = Array.FindIndex(values, v => !float.IsFinite(v));
            throw Error(Invariant.F($"tensor '{tensor.Name}' holds {values[at]} at element {at}{(tensor.DType == SafeTensorsDType.F64 ? " (after conversion to float32)" : string.Empty)}; every value must be finite."));
        }

        return values;
    }

    /// <summary>Reads an I64 tensor's elements, row-major (PyTorch's <c>num_batches_tracked</c>).</summary>
    /// <exception cref="ModelFormatException">The tensor is not I64.</exception>
    public long[] ReadInt64s(TensorEntry tensor)
    {
        if (tensor.DType != SafeTensorsDType.I64)
        {
            throw Error($"tensor '{tensor.Name}' is {tensor.DType.Name()}; expected I64.");
        }

        var values = new long[tensor.ElementCount];
        _stream.Position = Header.DataStart + tensor.Begin;
        _stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }

        return values;
    }

    private void ReadConverted(SafeTensorsDType dtype, float[] values)
    {
        int size = dtype.Size();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int perChunk = ChunkBytes / size;
            for (int start = 0; start < values.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, values.Length - start);
                var bytes = buffer.AsSpan(0, count * size);
                _stream.ReadExactly(bytes);
                for (int i = 0; i < count; i++)
                {
                    values[start + i] = Convert(dtype, bytes.Slice(i * size, size));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static float Convert(SafeTensorsDType dtype, ReadOnlySpan<byte> bytes) => dtype switch
    {
        SafeTensorsDType.F64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        SafeTensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
        SafeTensorsDType.BF16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
        _ => throw new InvalidOperationException($"No float conversion for {dtype}."),
    };
}
