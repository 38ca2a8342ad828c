using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace TransferLearning.Data;

/// <summary>
/// Reads IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST: raw, or gzip-compressed (told
/// apart by the gzip magic bytes <c>1F 8B</c>, not by the file name).
/// </summary>
/// <remarks>
/// An IDX file is a magic number <c>00 00 t d</c> — <c>t</c> the element type (<see cref="IdxDataType"/>),
/// <c>d</c> the number of dimensions — then <c>d</c> big-endian 32-bit sizes, then the values in row-major
/// order, big-endian. Every defect (a truncated file, a wrong magic number, trailing bytes, images and
/// labels whose counts disagree, a label out of range, a gzip file whose trailer — CRC-32 and size — is cut
/// off or does not match its data) is a <see cref="DataFormatException"/> naming the file, the byte offset
/// (in the decompressed data for a gzip file) and what is wrong. Labels of an integer type are read as
/// integers, exactly. A file-system failure is an <see cref="IOException"/> naming the path.
/// </remarks>
public static partial class IdxReader
{
    private const int MaxDimensions = 16;

    /// <summary>Reads an IDX file of any element type.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="scale">Each value is multiplied by this (e.g. <c>1f / 255</c> to bring pixels to [0, 1]). The default is 1.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or <paramref name="scale"/> is not finite.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read (no permission: the <see cref="UnauthorizedAccessException"/> is the inner exception).</exception>
    /// <exception cref="DataFormatException">The file is not a well-formed IDX file, or a gzip file's trailer (CRC-32 and size) is missing or does not match its data.</exception>
    public static IdxTensor Read(string path, float scale = 1f)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!float.IsFinite(scale))
        {
            throw new ArgumentException(Invariant.F($"Expected a finite scale but got {scale}."), nameof(scale));
        }

        return ReadCore(path, scale, integers: false);
    }

    /// <summary>
    /// Reads the file; with <paramref name="integers"/>, an integer-typed file's values are also kept as
    /// <see cref="int"/> (<see cref="IdxTensor.IntegerValues"/>), exactly: an int32 above 2²⁴ does not survive a float.
    /// </summary>
    private static IdxTensor ReadCore(string path, float scale, bool integers)
    {
        using var file = DataFiles.OpenRead(path);
        bool gzip = IsGzip(file);
        using var checksum = gzip ? new Crc32Stream(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)) : null;
        Stream stream = checksum ?? (Stream)file;
        string offsetKind = gzip ? "decompressed byte offset" : "byte offset";

        var magic = new byte[4];
        ReadExactly(stream, magic, path, 0, offsetKind, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0 || !Enum.IsDefined((IdxDataType)magic[2]) || magic[3] is 0 or > MaxDimensions)
        {
            throw new DataFormatException(
                path,
                Invariant.F($"{offsetKind} 0"),
                Invariant.F($"Expected an IDX magic number 00 00 <type 08, 09, 0B, 0C, 0D or 0E> <dimensions 1 to {MaxDimensions}> but found {Convert.ToHexString(magic)}."));
        }

        var type = (IdxDataType)magic[2];
        int rank = magic[3];
        var sizeBytes = new byte[4 * rank];
        ReadExactly(stream, sizeBytes, path, 4, offsetKind, Invariant.F($"{rank} dimension sizes"));
        var dimensions = new int[rank];
        long count = 1;
        long itemSize = 1;   // the product of all but the first dimension: checked too, in case the first is 0
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(sizeBytes.AsSpan(4 * d));
            if (size > int.MaxValue)
            {
                throw new DataFormatException(
                    path, Invariant.F($"{offsetKind} {4 + (4 * d)}"), Invariant.F($"Expected dimension {d} to be at most {int.MaxValue} but it is {size}."));
            }

            dimensions[d] = (int)size;
            count *= size;
            itemSize *= d > 0 ? size : 1;
            if (count > Array.MaxLength || itemSize > Array.MaxLength)
            {
                throw new DataFormatException(
                    path,
                    Invariant.F($"{offsetKind} {4 + (4 * d)}"),
                    Invariant.F($"Expected at most {Array.MaxLength:N0} values but dimensions {string.Join(" × ", dimensions[..(d + 1)])} hold {Math.Max(count, itemSize):N0}."));
            }
        }

        int header = 4 + (4 * rank);
        int width = ElementSize(type);
        bool asIntegers = integers && type is not (IdxDataType.Single or IdxDataType.Double);
        int[]? integerValues = null;
        float[] values;
        if (asIntegers)
        {
            integerValues = ReadIntegers(stream, type, width, count, path, header, offsetKind);
            values = new float[integerValues.Length];
            TensorPrimitives.ConvertTruncating<int, float>(integerValues, values);
        }
        else
        {
            values = ReadValues(stream, type, width, count, scale, path, header, offsetKind);
        }

        long end = header + (count * width);
        int next;
        try
        {
            next = stream.ReadByte();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, Invariant.F($"{offsetKind} {end}"), Invariant.F($"The gzip data is damaged or cut off after the values: {e.Message}"), e);
        }

        if (next >= 0)
        {
            throw new DataFormatException(
                path,
                Invariant.F($"{offsetKind} {end}"),
                Invariant.F($"Expected the file to end after {end:N0} bytes (a {header}-byte header and {count:N0} values of {width} byte(s) for dimensions {string.Join(" × ", dimensions)}) but it goes on."));
        }

        if (checksum is not null)
        {
            CheckGzipTrailer(file, checksum, path);
        }

        return new IdxTensor(path, type, dimensions, values, header, offsetKind) { IntegerValues = integerValues };
    }

    /// <summary>
    /// Compares the gzip trailer — the last 8 bytes of the file: the CRC-32 and the length (mod 2³²) of the
    /// decompressed data, little-endian — with the data that was read. <see cref="GZipStream"/> checks neither,
    /// so a file cut inside its trailer, or with a changed byte, would otherwise read as valid.
    /// </summary>
    private static void CheckGzipTrailer(FileStream file, Crc32Stream data, string path)
    {
        const int MinimumGzip = 10 + 2 + 8;   // header, the smallest deflate block, trailer
        long length = file.Length;
        if (length < MinimumGzip)
        {
            throw new DataFormatException(
                path, Invariant.F($"byte offset {length}"), Invariant.F($"Expected a gzip file of at least {MinimumGzip} bytes, ending with the 8-byte CRC-32 and size trailer, but it has {length}: it is cut off."));
        }

        var trailer = new byte[8];
        file.Position = length - 8;
        file.ReadExactly(trailer);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4));
        uint actualSize = unchecked((uint)data.BytesRead);
        if (crc != data.Crc || size != actualSize)
        {
            throw new DataFormatException(
                path,
                Invariant.F($"byte offset {length - 8} (the gzip trailer)"),
                Invariant.F($"Expected the gzip trailer to hold CRC-32 {data.Crc:X8} and size {actualSize} of the {data.BytesRead:N0} decompressed bytes but it holds CRC-32 {crc:X8} and size {size}: the file is cut off or damaged."));
        }
    }

    /// <summary>Reads an IDX label file: one integer label per item (a 1-dimensional file of an integer type).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="classCount">When given, every label must lie in <c>[0, classCount)</c>.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read (no permission: the <see cref="UnauthorizedAccessException"/> is the inner exception).</exception>
    /// <exception cref="DataFormatException">The file is malformed, not 1-dimensional, not of an integer type, or holds a label out of range.</exception>
    public static int[] ReadLabels(string path, int? classCount = null)
    {
        if (classCount is int classes)
        {
            Guard.AtLeast(classes, 1, nameof(classCount));
        }

        ArgumentException.ThrowIfNullOrEmpty(path);
        var tensor = ReadCore(path, 1f, integers: true);
        return Labels(tensor, classCount);
    }

    /// <summary>
    /// Reads an image (or feature) file and its label file as a classification <see cref="Dataset"/>: item
    /// <c>i</c> of the first file, flattened, is example <c>i</c> with label <c>i</c> of the second.
    /// </summary>
    /// <param name="featuresPath">The images (any rank ≥ 1: an <c>m × 28 × 28</c> file gives 784 features).</param>
    /// <param name="labelsPath">The labels, one per image.</param>
    /// <param name="classCount">The number of classes; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <param name="scale">Each feature is multiplied by this; <c>1f / 255</c> brings byte pixels to [0, 1]. The default is 1.</param>
    /// <param name="classNames">Optional class names, one per class.</param>
    /// <returns>The data set, features as columns.</returns>
    /// <exception cref="ArgumentException">A path is null or empty, <paramref name="scale"/> is not finite, or <paramref name="classNames"/> does not hold one name per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on a path does not exist.</exception>
    /// <exception cref="IOException">A path is a directory, or a file cannot be read (no permission: the <see cref="UnauthorizedAccessException"/> is the inner exception).</exception>
    /// <exception cref="DataFormatException">A file is malformed, the counts disagree, the set is empty, a label is out of range, or (no <paramref name="classCount"/>) the largest label is 2²⁴ or more.</exception>
    public static Dataset ReadDataset(string featuresPath, string labelsPath, int? classCount = null, float scale = 1f, IReadOnlyList<string>? classNames = null)
    {
        CheckPairArguments(featuresPath, labelsPath, classCount, scale);
        return ReadDatasetCore(featuresPath, labelsPath, classCount, scale, classNames, itemShape: null);
    }

    /// <summary>The checks of a reader of a features file and a labels file: both paths given, a finite scale, a class count of at least 1 when given.</summary>
    internal static void CheckPairArguments(string featuresPath, string labelsPath, int? classCount, float scale, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(featuresPath))] string featuresName = "", [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(labelsPath))] string labelsName = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(featuresPath, featuresName);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath, labelsName);
        if (!float.IsFinite(scale))
        {
            throw new ArgumentException(Invariant.F($"Expected a finite scale but got {scale}."), nameof(scale));
        }

        if (classCount is int classes)
        {
            Guard.AtLeast(classes, 1, nameof(classCount));
        }
    }

    /// <summary>
    /// <see cref="ReadDataset"/>; with <paramref name="itemShape"/>, the images must be unsigned bytes of that
    /// shape per item and the labels unsigned bytes (what a data set like Fashion-MNIST promises).
    /// </summary>
    internal static Dataset ReadDatasetCore(string featuresPath, string labelsPath, int? classCount, float scale, IReadOnlyList<string>? classNames, int[]? itemShape)
    {
        var labelTensor = ReadCore(labelsPath, 1f, integers: true);
        if (itemShape is not null)
        {
            ExpectUnsignedBytes(labelTensor, "labels");
        }

        var labels = Labels(labelTensor, classCount);
        var features = ReadCore(featuresPath, scale, integers: false);
        if (itemShape is not null)
        {
            ExpectUnsignedBytes(features, "images");
            if (!features.Dimensions.Skip(1).SequenceEqual(itemShape))
            {
                throw new DataFormatException(
                    featuresPath,
                    $"{features.OffsetKind} 3 (the dimensions)",
                    Invariant.F($"Expected images of count × {string.Join(" × ", itemShape)} but the dimensions are {string.Join(" × ", features.Dimensions)}."));
            }
        }

        if (features.Count != labels.Length)
        {
            throw new DataFormatException(
                featuresPath,
                $"{features.OffsetKind} 4 (the item count)",
                Invariant.F($"Expected {labels.Length:N0} items, one per label in {labelsPath}, but the file holds {features.Count:N0}."));
        }

        if (features.Count == 0 || features.ItemSize == 0)
        {
            throw new DataFormatException(
                featuresPath, $"{features.OffsetKind} 4 (the dimensions)", Invariant.F($"Expected at least one item of at least one value but the dimensions are {string.Join(" × ", features.Dimensions)}."));
        }

        int inferred = classCount ?? InferredClassCount(labels, labelTensor);
        var x = Matrix<float>.Build.Dense(features.ItemSize, features.Count, features.Storage);
        var data = Dataset.ForClassification(x, labels, inferred);
        return classNames is null ? data : data.WithClassNames(classNames);
    }

    /// <summary>Returns true when the stream starts with the gzip magic bytes 1F 8B; leaves the stream at its start.</summary>
    internal static bool IsGzip(Stream stream)
    {
        int b0 = stream.ReadByte();
        int b1 = stream.ReadByte();
        stream.Position = 0;
        return b0 == 0x1F && b1 == 0x8B;
    }

    /// <summary>The largest label + 1, in long arithmetic (int.MaxValue + 1 would wrap), within the limit a set takes.</summary>
    private static int InferredClassCount(int[] labels, IdxTensor tensor)
    {
        int at = Dataset.IndexOfLargest(labels);

        long inferred = (long)labels[at] + 1;
        if (inferred > Dataset.MaxInferredClassCount)
        {
            throw new DataFormatException(
                tensor.FilePath,
                Invariant.F($"{tensor.OffsetKind} {tensor.HeaderLength + ((long)at * ElementSize(tensor.DataType))} (label {at})"),
                Invariant.F($"Expected labels below {Dataset.MaxInferredClassCount:N0} when the class count is inferred (largest label + 1) but label {at} is {labels[at]}: pass classCount."));
        }

        return (int)inferred;
    }

    private static void ExpectUnsignedBytes(IdxTensor tensor, string what)
    {
        if (tensor.DataType != IdxDataType.UnsignedByte)
        {
            throw new DataFormatException(
                tensor.FilePath, $"{tensor.OffsetKind} 2 (the element type)", Invariant.F($"Expected {what} of unsigned bytes (08) but the file holds {tensor.DataType}."));
        }
    }

    private static int[] Labels(IdxTensor tensor, int? classCount)
    {
        if (tensor.Dimensions.Count != 1)
        {
            throw new DataFormatException(
                tensor.FilePath, $"{tensor.OffsetKind} 3 (the number of dimensions)", Invariant.F($"Expected a label file of 1 dimension but it has {tensor.Dimensions.Count} ({string.Join(" × ", tensor.Dimensions)})."));
        }

        if (tensor.DataType is IdxDataType.Single or IdxDataType.Double)
        {
            throw new DataFormatException(
                tensor.FilePath, $"{tensor.OffsetKind} 2 (the element type)", Invariant.F($"Expected labels of an integer type (08, 09, 0B or 0C) but the file holds {tensor.DataType}."));
        }

        var values = tensor.Values;
        var exact = tensor.IntegerValues;
        var labels = new int[values.Length];
        int width = ElementSize(tensor.DataType);
        for (int i = 0; i < labels.Length; i++)
        {
            int label = exact is null ? (int)values[i] : exact[i];
            if (label < 0 || (classCount is int classes && label >= classes))
            {
                string range = classCount is int c ? Invariant.F($"[0, {c})") : "[0, ∞)";
                throw new DataFormatException(
                    tensor.FilePath,
                    Invariant.F($"{tensor.OffsetKind} {tensor.HeaderLength + ((long)i * width)} (label {i})"),
                    Invariant.F($"Expected labels in {range} but label {i} is {label}."));
            }

            labels[i] = label;
        }

        return labels;
    }
}
