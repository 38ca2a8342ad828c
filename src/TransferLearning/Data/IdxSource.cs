using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferLearning.Data;

/// <summary>
/// Images (or any uint8 items) in an IDX file read as stored — 1 byte a value, converted to float32
/// (<c>x = scale · byte</c>) only when a mini-batch is gathered — with their labels from an IDX label file.
/// </summary>
/// <remarks>
/// A raw IDX file is memory-mapped: the operating system pages in the examples gathered. A gzip-compressed one
/// (told apart by its magic bytes <c>1F 8B</c>) cannot be mapped and is decompressed once into memory, still 1 byte
/// a value (a quarter of a <see cref="Dataset"/>; Fashion-MNIST's 60,000 training images take 47 MB). Labels are read
/// with <see cref="IdxReader.ReadLabels(string, int?)"/>. The images must be of type <c>0x08</c> (unsigned byte); read
/// other types with <see cref="IdxReader"/>.
/// </remarks>
public sealed class IdxSource : DataSource
{

    private IdxSource(StoredExamples examples, int count, int featureCount, int classCount, IReadOnlyList<string>? classNames)
        : base(examples, count, featureCount, classCount, 0, classNames)
    {
    }

    /// <summary>Opens an image file and its label file.</summary>
    /// <param name="imagesPath">An IDX file of unsigned bytes, raw or gzip, shape <c>m × d₁ × …</c> (<c>n_x = d₁·…</c>).</param>
    /// <param name="labelsPath">An IDX file of <c>m</c> integer labels.</param>
    /// <param name="classCount">The number of classes; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <param name="scale">Each byte is multiplied by this when gathered: <c>1f / 255</c> brings pixels to [0, 1]. Finite; the default is 1.</param>
    /// <param name="classNames">Optional class names, one per class (e.g. <see cref="FashionMnist.ClassNames"/>).</param>
    /// <returns>The source; dispose it to unmap the file.</returns>
    /// <exception cref="ArgumentException">A path is null or empty, <paramref name="scale"/> is not finite, or <paramref name="classNames"/> does not hold one name per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IOException">A path is a directory or a file cannot be read.</exception>
    /// <exception cref="DataFormatException">A file is not a well-formed IDX file, the images are not unsigned bytes, the file's length differs from its sizes, the counts disagree, there are no examples, or a label is out of range.</exception>
    public static IdxSource Open(string imagesPath, string labelsPath, int? classCount = null, float scale = 1f, IReadOnlyList<string>? classNames = null)
    {
        IdxReader.CheckPairArguments(imagesPath, labelsPath, classCount, scale);

        var labels = IdxReader.ReadLabels(labelsPath, classCount);
        int classes = classCount ?? (labels.Length == 0 ? 1 : labels.Max() + 1);
        Dataset.EnsureClassNames(classNames, classes, nameof(classNames));
        bool gzip;
        using (var probe = DataFiles.OpenRead(imagesPath))
        {
            gzip = IdxReader.IsGzip(probe);
        }

        byte[]? bytes = gzip ? Decompress(imagesPath) : null;
        var (count, featureCount, offset) = ReadHeader(imagesPath, bytes);
        if (count != labels.Length || count == 0)
        {
            throw new DataFormatException(imagesPath, "byte offset 4", Invariant.F($"Expected a non-zero number of images equal to the {labels.Length:N0} labels of '{labelsPath}' but found {count:N0}."));
        }

        var examples = bytes is null
            ? StoredExamples.Map(imagesPath, offset, featureCount, float32: false, scale, labels, null, 0)
            : StoredExamples.InMemory(bytes, imagesPath, offset, featureCount, scale, labels);
        return new IdxSource(examples, count, featureCount, classes, classNames?.ToArray());
    }

    /// <inheritdoc />
    protected override void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) =>
        GatherStored(indices, features, labels, targets);

    private static byte[] Decompress(string path)
    {
        using var file = DataFiles.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        try
        {
            gzip.CopyTo(memory);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "gzip stream", $"Expected a well-formed gzip stream but it is damaged ({e.Message}).", e);
        }

        return memory.ToArray();
    }

    /// <summary>The item count, values per item and where the values start; checks the magic number, the type and the length.</summary>
    private static (int Count, int FeatureCount, long Offset) ReadHeader(string path, byte[]? bytes)
    {
        Span<byte> head = stackalloc byte[4 + (4 * 16)];
        long length;
        int got;
        if (bytes is not null)
        {
            length = bytes.Length;
            got = Math.Min(bytes.Length, head.Length);
            bytes.AsSpan(0, got).CopyTo(head);
        }
        else
        {
            using var file = DataFiles.OpenRead(path);
            length = file.Length;
            got = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        string where = bytes is null ? "byte offset" : "decompressed byte offset";
        int rank = got >= 4 ? head[3] : 0;
        if (got < 4 || head[0] != 0 || head[1] != 0 || head[2] != (byte)IdxDataType.UnsignedByte || rank is 0 or > 16 || got < 4 + (4 * rank))
        {
            throw new DataFormatException(path, where + " 0", Invariant.F($"Expected the IDX magic number of unsigned bytes 00 00 08 <dimensions 1 to 16> and its sizes but found {Convert.ToHexString(head[..Math.Min(got, 4)])} ({length} bytes): read other element types with IdxReader."));
        }

        long count = BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
        long item = 1;
        for (int d = 1; d < rank; d++)
        {
            item *= BinaryPrimitives.ReadUInt32BigEndian(head[(4 + (4 * d))..]);
        }

        long offset = 4 + (4 * rank);
        if (count > Array.MaxLength || item is < 1 or > int.MaxValue || length != offset + (count * item))
        {
            throw new DataFormatException(path, Invariant.F($"{where} {offset}"), Invariant.F($"Expected {offset + (count * item):N0} bytes ({count:N0} items of {item:N0} values after a {offset}-byte header) but the data holds {length:N0}."));
        }

        return ((int)count, (int)item, offset);
    }
}
