using System.Buffers.Binary;
using System.Text;

namespace TransferLearning.Data;

/// <summary>
/// The NumPy <c>.npy</c> header (format versions 1.0, 2.0 and 3.0): read and validated, and written for the
/// files the library makes (a CSV cache, extracted features, test and benchmark data).
/// </summary>
/// <remarks>
/// A <c>.npy</c> file is the 6 magic bytes <c>\x93NUMPY</c>, a major and a minor version byte, the header length
/// (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then an ASCII (version 3: UTF-8) Python dict
/// literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (60000, 784), }</c> padded with spaces
/// to a multiple of 64 bytes and ending in a newline, then the values, row-major unless <c>fortran_order</c> is true.
/// </remarks>
internal static class NpyFormat
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The header of a file: element type, shape and where the values start.</summary>
    internal sealed record Header(string Descr, long[] Shape, long DataOffset)
    {
        /// <summary>Gets the number of rows (the first dimension; 1 for a scalar).</summary>
        public long Rows => Shape.Length == 0 ? 1 : Shape[0];

        /// <summary>Gets the product of every dimension after the first (1 for a vector).</summary>
        public long RowLength => Shape.Skip(1).Aggregate(1L, (a, b) => a * b);

        /// <summary>Gets the size of one element in bytes.</summary>
        public int ItemSize => ItemSizeOf(Descr);

        /// <summary>Gets the shape as NumPy prints it, e.g. <c>(60000, 784)</c>.</summary>
        public string ShapeText => ShapeToText(Shape);
    }

    /// <summary>The element types read: float32, float64, uint8, int8, int16, int32, int64 (little-endian or single-byte).</summary>
    internal static int ItemSizeOf(string descr) => descr switch
    {
        "<f4" or "<i4" or "<u4" => 4,
        "<f8" or "<i8" or "<u8" => 8,
        "<i2" or "<u2" => 2,
        "|u1" or "|i1" or "|b1" => 1,
        _ => 0,
    };

    /// <summary>Reads and validates the header of <paramref name="path"/>; checks that the file holds exactly the values it declares.</summary>
    /// <exception cref="DataFormatException">The header is malformed, the values are Fortran-ordered, or the file's length differs from what the header declares.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Header Read(string path)
    {
        using var stream = DataFiles.OpenRead(path);
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new DataFormatException(path, "byte offset 0", Invariant.F($"Expected the .npy magic bytes 93 4E 55 4D 50 59 ('\\x93NUMPY') but found {Convert.ToHexString(prefix[..Math.Min(got, 6)])} ({got} bytes in the file)."));
        }

        byte major = prefix[6];
        if (major is < 1 or > 3)
        {
            throw new DataFormatException(path, "byte offset 6", Invariant.F($"Expected .npy format version 1, 2 or 3 but found {major}.{prefix[7]}."));
        }

        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long start = major == 1 ? 10 : 12;
        if (headerLength > 1 << 20 || start + headerLength > stream.Length)
        {
            throw new DataFormatException(path, Invariant.F($"byte offset {start - (major == 1 ? 2 : 4)}"), Invariant.F($"Expected a header of at most {Math.Min(1 << 20, stream.Length - start)} bytes but the header length says {headerLength}."));
        }

        var text = new byte[headerLength];
        stream.Position = start;
        stream.ReadExactly(text);
        var dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(text);
        string descr = Field(path, dict, "descr", start);
        string fortran = Field(path, dict, "fortran_order", start);
        string shapeText = Field(path, dict, "shape", start);
        if (fortran != "False")
        {
            throw new DataFormatException(path, Invariant.F($"byte offset {start}"), Invariant.F($"Expected 'fortran_order': False (one example per row, contiguous) but found {fortran}: save the array with np.ascontiguousarray first."));
        }

        if (ItemSizeOf(descr) == 0)
        {
            throw new DataFormatException(path, Invariant.F($"byte offset {start}"), Invariant.F($"Expected a little-endian numeric 'descr' ('<f4', '|u1', '<i8', …) but found '{descr}'."));
        }

        var shape = ParseShape(path, shapeText, start);
        long values = shape.Aggregate(1L, (a, b) => checked(a * b));
        long expected = start + headerLength + (values * ItemSizeOf(descr));
        if (stream.Length != expected)
        {
            throw new DataFormatException(
                path,
                Invariant.F($"byte offset {start + headerLength}"),
                Invariant.F($"Expected {expected:N0} bytes (header {start + headerLength} + {values:N0} values of {ItemSizeOf(descr)} bytes for shape {ShapeToText(shape)}) but the file has {stream.Length:N0}."));
        }

        return new Header(descr, shape, start + headerLength);
    }

    /// <summary>Writes a version 1.0 header for a C-ordered array of <paramref name="descr"/> and <paramref name="shape"/>; the values follow.</summary>
    public static void Write(Stream stream, string descr, params long[] shape) => Write(stream, descr, shape, 0);

    /// <summary>Writes a version 1.0 header padded to <paramref name="length"/> bytes (0: the next multiple of 64), so that a header written before the row count is known can be rewritten in place.</summary>
    public static void Write(Stream stream, string descr, long[] shape, int length)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {ShapeToText(shape)}, }}";
        int unpadded = 10 + dict.Length + 1;
        int padded = length > 0 ? length : (unpadded + 63) / 64 * 64;
        var header = new byte[padded];
        Magic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(padded - 10));
        Encoding.ASCII.GetBytes(dict, header.AsSpan(10));
        header.AsSpan(10 + dict.Length, padded - unpadded).Fill((byte)' ');
        header[^1] = (byte)'\n';
        stream.Write(header);
    }

    /// <summary>Writes <paramref name="values"/> (row-major, of <paramref name="shape"/>) as a version 1.0 <c>.npy</c> file.</summary>
    public static void Save<T>(string path, ReadOnlySpan<T> values, params long[] shape)
        where T : unmanaged
    {
        using var stream = File.Create(path);
        Write(stream, DescrOf<T>(), shape);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    /// <summary>The <c>descr</c> of <typeparamref name="T"/>: <c>&lt;f4</c>, <c>|u1</c>, <c>&lt;i4</c> or <c>&lt;i8</c>.</summary>
    public static string DescrOf<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? "<f4"
        : typeof(T) == typeof(byte) ? "|u1"
        : typeof(T) == typeof(int) ? "<i4"
        : typeof(T) == typeof(long) ? "<i8"
        : throw new NotSupportedException($"No .npy type for {typeof(T).Name}.");

    private static string ShapeToText(long[] shape) => shape.Length == 1
        ? Invariant.F($"({shape[0]},)")
        : "(" + string.Join(", ", shape.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")";

    /// <summary>The value of <c>'key': value</c> in the header's dict literal (a quoted string, a word or a parenthesised tuple).</summary>
    private static string Field(string path, string dict, string key, long start)
    {
        int at = dict.IndexOf("'" + key + "'", StringComparison.Ordinal);
        int colon = at < 0 ? -1 : dict.IndexOf(':', at);
        if (colon < 0)
        {
            throw new DataFormatException(path, Invariant.F($"byte offset {start}"), $"Expected the header dict to have '{key}' but it is {dict.TrimEnd()}.");
        }

        var rest = dict.AsSpan(colon + 1).TrimStart();
        int end = rest.Length == 0 ? -1 : rest[0] switch
        {
            '\'' => rest[1..].IndexOf('\'') + 2,
            '(' => rest.IndexOf(')') + 1,
            _ => rest.IndexOfAny(',', '}'),
        };
        if (end <= 0)
        {
            throw new DataFormatException(path, Invariant.F($"byte offset {start}"), $"Expected a value for '{key}' in the header dict but it is {dict.TrimEnd()}.");
        }

        return rest[..end].Trim().Trim('\'').ToString();
    }

    private static long[] ParseShape(string path, string text, long start)
    {
        var parts = text.Trim('(', ')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new DataFormatException(path, Invariant.F($"byte offset {start}"), $"Expected a shape of non-negative integers but found {text}.");
            }
        }

        return shape;
    }
}
