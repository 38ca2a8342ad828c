using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace TransferLearning.Serialization;

/// <summary>
/// The checked header of a safetensors file: its tensors (with their byte ranges proven to tile the data
/// section exactly) and its <c>__metadata__</c> strings.
/// </summary>
/// <remarks>
/// The format: an unsigned 64-bit little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON
/// (an object mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>, plus an
/// optional <c>"__metadata__"</c> object of strings), padded with spaces, then the data section, in which
/// each tensor's elements are stored little-endian and row-major at <c>[begin, end)</c>.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest header the loader reads: 100 MB.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The most dimensions a tensor may have.</summary>
    public const int MaxRank = 8;

    private const int MaxJsonDepth = 3;
    private const string MetadataKey = "__metadata__";

    private readonly Dictionary<string, TensorEntry> _byName;

    private SafeTensorsHeader(List<TensorEntry> tensors, Dictionary<string, string> metadata, long dataStart)
    {
        Tensors = tensors;
        Metadata = metadata;
        DataStart = dataStart;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Gets the tensors in the order the header lists them.</summary>
    public IReadOnlyList<TensorEntry> Tensors { get; }

    /// <summary>Gets the metadata strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the offset of the data section from the start of the file: <c>8 + N</c>.</summary>
    public long DataStart { get; }

    /// <summary>Returns the tensor named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public TensorEntry? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Reads and checks the length prefix and the header of a file of <paramref name="fileLength"/> bytes.</summary>
    /// <exception cref="ModelFormatException">Anything about the header is wrong.</exception>
    public static SafeTensorsHeader Read(Stream stream, long fileLength, string path)
    {
        if (fileLength < 8)
        {
            throw Error(path, $"the file has {fileLength} bytes, fewer than the 8-byte header length that starts a safetensors file.");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
        {
            throw Error(path, $"{NotSafeTensors(prefix)} (the header length is {headerLength} bytes; at most {MaxHeaderLength} are allowed).");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw Error(path, $"{NotSafeTensors(prefix)} (the header length is {headerLength} bytes, but only {fileLength - 8} bytes follow the length).");
        }

        var json = new byte[(int)headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        return Parse(json, fileLength - dataStart, dataStart, path);
    }

    /// <summary>
    /// Says that a file whose first 8 bytes (<paramref name="prefix"/>) give no header length that fits it is not
    /// a safetensors file, and what it looks like when its first bytes tell: an ONNX model, a zip archive (a
    /// PyTorch <c>.pt</c> checkpoint, a <c>.keras</c> or <c>.npz</c> file), gzip, HDF5, a Python pickle, or text.
    /// </summary>
    internal static string NotSafeTensors(ReadOnlySpan<byte> prefix)
    {
        string? looksLike = LooksLike(prefix);
        return looksLike is null
            ? "not a safetensors file: its first 8 bytes do not give a header length that fits the file"
            : $"not a safetensors file: it looks like {looksLike}, and its first 8 bytes do not give a header length that fits the file";
    }

    private static string? LooksLike(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < 8)
        {
            return null;
        }

        if (prefix[0] == 0x08 && prefix[1] is >= 1 and < 0x80)
        {
            return string.Create(CultureInfo.InvariantCulture, $"an ONNX model (a protobuf starting with ir_version {prefix[1]})");
        }

        if (prefix.StartsWith("PK\u0003\u0004"u8))
        {
            return "a zip archive (as a PyTorch .pt or .pth checkpoint, a .keras or an .npz file is)";
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return "a gzip file";
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'H', (byte)'D', (byte)'F']))
        {
            return "an HDF5 file (as a Keras .h5 file is)";
        }

        if (prefix[0] == 0x80 && prefix[1] is >= 2 and <= 5)
        {
            return "a Python pickle (as a PyTorch .pt or .bin file of the old format is)";
        }

        foreach (byte b in prefix)
        {
            if (b is not ((>= 0x20 and < 0x7F) or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return null;
            }
        }

        return prefix[0] is (byte)'{' or (byte)'[' ? "JSON text" : "a text file";
    }

    /// <summary>Parses and checks header JSON for a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <exception cref="ModelFormatException">The JSON or a tensor's description is wrong.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, long dataStart, string path)
    {
        if (!Utf8.IsValid(json))
        {
            throw Error(path, "the header is not valid UTF-8.");
        }

        var tensors = new List<TensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
            Expect(ref reader, JsonTokenType.StartObject, "the header must be a JSON object", path);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (Next(ref reader, path) != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    throw Error(path, $"the header names '{name}' twice.");
                }

                if (name == MetadataKey)
                {
                    ReadMetadata(ref reader, metadata, path);
                }
                else
                {
                    tensors.Add(ReadTensor(ref reader, name, dataLength, path));
                }
            }

            // Anything but whitespace after the object makes the reader throw.
            if (reader.Read())
            {
                throw Error(path, "the header has content after its JSON object.");
            }
        }
        catch (JsonException e)
        {
            throw Error(path, $"the header is not valid JSON of at most {MaxJsonDepth} levels ({e.Message})", e);
        }

        CheckRanges(tensors, dataLength, path);
        return new SafeTensorsHeader(tensors, metadata, dataStart);
    }

    /// <summary>A <see cref="ModelFormatException"/> for <paramref name="path"/>.</summary>
    public static ModelFormatException Error(string path, string problem, Exception? inner = null) => new(path, problem, inner);

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path)
    {
        Expect(ref reader, JsonTokenType.StartObject, "'__metadata__' must be an object of strings", path);
        while (Next(ref reader, path) != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String, $"metadata '{key}' must be a string", path);
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Error(path, $"the metadata names '{key}' twice.");
            }
        }
    }

    private static TensorEntry ReadTensor(ref Utf8JsonReader reader, string name, long dataLength, string path)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}' must be an object", path);
        string? dtypeName = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (Next(ref reader, path) != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            switch (key)
            {
                case "dtype" when dtypeName is null:
                    Expect(ref reader, JsonTokenType.String, $"tensor '{name}': 'dtype' must be a string", path);
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, name, key, MaxRank, int.MaxValue, path).Select(d => (int)d).ToArray();
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, name, key, 2, long.MaxValue, path);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Error(path, $"tensor '{name}' names '{key}' twice.");
                default:
                    throw Error(path, $"tensor '{name}' has an unknown field '{key}' (expected dtype, shape and data_offsets).");
            }
        }

        if (dtypeName is null || shape is null || offsets is null)
        {
            throw Error(path, $"tensor '{name}' must have dtype, shape and data_offsets.");
        }

        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw Error(path, $"tensor '{name}' has an unknown dtype '{dtypeName}'.");
        }

        if (offsets.Length != 2)
        {
            throw Error(path, $"tensor '{name}': data_offsets must be [begin, end] but has {offsets.Length} numbers.");
        }

        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataLength)
        {
            throw Error(path, $"tensor '{name}': data_offsets [{begin}, {end}] are not a range inside the {dataLength}-byte data section.");
        }

        // A zero dimension makes an empty tensor, whatever the others; otherwise the product is checked as it grows.
        long count = shape.Contains(0) ? 0 : 1;
        foreach (int d in count == 0 ? ReadOnlySpan<int>.Empty : shape)
        {
            // Stop before the product can overflow: no tensor holds more elements than the data section has bytes.
            if (d > 0 && count > Math.Min(dataLength, Array.MaxLength) / d)
            {
                throw Error(path, $"tensor '{name}': shape {TensorEntry.FormatShape(shape)} holds more elements than the data section has bytes.");
            }

            count *= d;
        }

        if (count * dtype.Size() != end - begin)
        {
            throw Error(
                path,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"tensor '{name}': shape {TensorEntry.FormatShape(shape)} of {dtype.Name()} needs {count * dtype.Size()} bytes but data_offsets [{begin}, {end}] hold {end - begin}."));
        }

        return new TensorEntry(name, dtype, shape, begin, end);
    }

    /// <summary>The ranges, sorted, must tile <c>[0, dataLength)</c>: no overlap, no gap, no trailing bytes.</summary>
    private static void CheckRanges(List<TensorEntry> tensors, long dataLength, string path)
    {
        long covered = 0;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < covered)
            {
                throw Error(path, $"tensor '{t.Name}' at [{t.Begin}, {t.End}) overlaps the tensor before it (which ends at {covered}).");
            }

            if (t.Begin > covered)
            {
                throw Error(path, $"bytes [{covered}, {t.Begin}) of the data section belong to no tensor.");
            }

            covered = t.End;
        }

        if (covered != dataLength)
        {
            throw Error(path, $"bytes [{covered}, {dataLength}) at the end of the data section belong to no tensor.");
        }
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string key, int maxCount, long max, string path)
    {
        Expect(ref reader, JsonTokenType.StartArray, $"tensor '{name}': '{key}' must be an array of integers", path);
        var values = new List<long>();
        while (Next(ref reader, path) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0 || value > max)
            {
                throw Error(path, $"tensor '{name}': '{key}' must hold integers in [0, {max}].");
            }

            if (values.Count == maxCount)
            {
                throw Error(path, $"tensor '{name}': '{key}' has more than {maxCount} numbers.");
            }

            values.Add(value);
        }

        return [.. values];
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader, string path)
    {
        if (!reader.Read())
        {
            throw Error(path, "the header's JSON ends early.");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what, string path)
    {
        if (Next(ref reader, path) != type)
        {
            throw Error(path, $"{what}, but found {reader.TokenType}.");
        }
    }
}
