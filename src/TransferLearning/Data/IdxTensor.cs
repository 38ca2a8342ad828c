using System.Globalization;

namespace TransferLearning.Data;

/// <summary>
/// The contents of one IDX file: its dimensions, its element type and its values (as <see cref="float"/>,
/// in the file's row-major order — the last dimension varies fastest).
/// </summary>
/// <remarks>
/// For an image file of dimensions <c>m × 28 × 28</c>, each image's 784 values are contiguous: exactly the
/// column-major layout of the <c>784 × m</c> feature matrix <see cref="Dataset"/> holds, so no transpose is needed.
/// </remarks>
public sealed class IdxTensor
{
    private readonly float[] _values;
    private readonly int[] _dimensions;

    internal IdxTensor(string filePath, IdxDataType dataType, int[] dimensions, float[] values, int headerLength, string offsetKind)
    {
        OffsetKind = offsetKind;
        FilePath = filePath;
        DataType = dataType;
        _dimensions = dimensions;
        _values = values;
        HeaderLength = headerLength;
    }

    /// <summary>Gets the file the tensor was read from.</summary>
    public string FilePath { get; }

    /// <summary>Gets the element type stored in the file.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Gets the dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Gets the values in row-major order, multiplied by the scale the file was read with.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Gets the number of items along the first dimension (images, labels).</summary>
    public int Count => _dimensions.Length == 0 ? 0 : _dimensions[0];

    /// <summary>Gets the number of values per item: the product of every dimension but the first (1 for a label file).</summary>
    public int ItemSize => _dimensions.Length == 0 ? 0 : _dimensions.Skip(1).Aggregate(1, (product, d) => product * d);

    /// <summary>The length in bytes of the header (magic number and dimensions): the offset of the first value.</summary>
    internal int HeaderLength { get; }

    /// <summary>"byte offset", or "decompressed byte offset" for a gzip file: how error messages name a place in it.</summary>
    internal string OffsetKind { get; }

    /// <summary>The values exactly as integers, for a file of an integer type read for its labels (else <see langword="null"/>).</summary>
    internal int[]? IntegerValues { get; init; }

    /// <summary>The values array itself (not copied), for building a <see cref="Dataset"/> without a second copy.</summary>
    internal float[] Storage => _values;

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"IdxTensor({DataType}, {string.Join(" × ", _dimensions)}) from {FilePath}");
}
