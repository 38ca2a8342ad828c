using System.Runtime.InteropServices;

namespace TransferLearning.Data;

/// <summary>
/// Examples in NumPy <c>.npy</c> files, memory-mapped: features of shape <c>(m, …)</c> (float32, or uint8 with a
/// scale: <c>x = scale · byte</c>, 1 byte a value on disk and in the page cache), and a second file of one integer
/// label per example (any integer type) or of float32 regression targets, shape <c>(m,)</c> or <c>(m, n_y)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Only the pages of the examples gathered are read, by the operating system, into its page cache; the process holds
/// the labels (4 bytes an example) or the targets, and the mini-batches being gathered. Save the arrays with
/// <c>np.save</c> (C order; <c>np.ascontiguousarray</c> first if needed). Every defect of a header — magic bytes,
/// version, element type, Fortran order, a length that differs from the shape — and every mismatch between the two
/// files is a <see cref="DataFormatException"/> naming the file, the expected and the actual. A float32 feature
/// that is not finite is reported when gathered, naming the file and the example.
/// </para>
/// <para>Dispose the source to unmap the files; a source is read-only and may be gathered from several threads at once.</para>
/// </remarks>
public sealed class NpySource : DataSource
{

    private NpySource(StoredExamples examples, string featuresPath, int count, int featureCount, int classCount, int targetCount, float scale, IReadOnlyList<string>? classNames)
        : base(examples, count, featureCount, classCount, targetCount, classNames)
    {
        FeaturesPath = featuresPath;
        Scale = scale;
    }

    /// <summary>Gets the features file.</summary>
    public string FeaturesPath { get; }

    /// <summary>Gets the factor each stored feature value is multiplied by when gathered.</summary>
    public float Scale { get; }

    /// <summary>Opens a features file and its labels (or targets) file.</summary>
    /// <param name="featuresPath">A <c>.npy</c> file of <c>&lt;f4</c> or <c>|u1</c> values, shape <c>(m, n_x)</c> or <c>(m, d₁, d₂, …)</c> (flattened: <c>n_x = d₁·d₂·…</c>).</param>
    /// <param name="labelsPath">
    /// A <c>.npy</c> file of <c>m</c> integer labels (<c>|u1</c>, <c>|i1</c>, <c>&lt;i2</c>, <c>&lt;u2</c>, <c>&lt;i4</c>, <c>&lt;u4</c>, <c>&lt;i8</c>, <c>&lt;u8</c>; shape <c>(m,)</c>)
    /// for classification, or float32 targets (<c>&lt;f4</c>, shape <c>(m,)</c> or <c>(m, n_y)</c>, every value finite) for regression.
    /// </param>
    /// <param name="classCount">The number of classes (labels in <c>[0, classCount)</c>); <see langword="null"/> (the default) means the largest label + 1. Ignored for targets.</param>
    /// <param name="scale">Each feature is multiplied by this when gathered: <c>1f / 255</c> brings byte pixels to [0, 1]. Finite; the default is 1.</param>
    /// <param name="classNames">Optional class names, one per class.</param>
    /// <returns>The source; dispose it to unmap the files.</returns>
    /// <exception cref="ArgumentException">A path is null or empty, <paramref name="scale"/> is not finite, or <paramref name="classNames"/> does not hold one name per class.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="IOException">A path is a directory or a file cannot be read.</exception>
    /// <exception cref="DataFormatException">A header is malformed or does not match the file's length, an element type is not one read here, the files disagree on the example count, there are no examples, a label is negative or out of range, or a target is not finite.</exception>
    public static NpySource Open(string featuresPath, string labelsPath, int? classCount = null, float scale = 1f, IReadOnlyList<string>? classNames = null)
    {
        IdxReader.CheckPairArguments(featuresPath, labelsPath, classCount, scale);

        var header = NpyFormat.Read(featuresPath);
        if (header.Descr is not ("<f4" or "|u1"))
        {
            throw new DataFormatException(featuresPath, "header", $"Expected features of type '<f4' (float32) or '|u1' (uint8) but found '{header.Descr}'.");
        }

        if (header.Shape.Length < 2 || header.Rows < 1 || header.RowLength < 1 || header.Rows > Array.MaxLength || header.RowLength > Array.MaxLength)
        {
            throw new DataFormatException(featuresPath, "header", $"Expected features of shape (m, n_x) with m and n_x from 1 to {Array.MaxLength} but found {header.ShapeText}.");
        }

        int count = (int)header.Rows;
        var (labels, targets, targetCount, classesFound) = ReadLabels(labelsPath, count, classCount);
        int classTotal = labels is null ? 0 : classCount ?? classesFound;
        Dataset.EnsureClassNames(classNames, classTotal, nameof(classNames));
        var examples = StoredExamples.Map(featuresPath, header.DataOffset, (int)header.RowLength, header.Descr == "<f4", scale, labels, targets, targetCount);
        return new NpySource(examples, featuresPath, count, (int)header.RowLength, classTotal, targetCount, scale, classNames?.ToArray());
    }

    /// <inheritdoc />
    protected override void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) =>
        GatherStored(indices, features, labels, targets);

    /// <summary>Reads the labels (checked against the class count) or the float32 targets (checked finite) of <paramref name="count"/> examples.</summary>
    private static (int[]? Labels, float[]? Targets, int TargetCount, int ClassesFound) ReadLabels(string path, int count, int? classCount)
    {
        var header = NpyFormat.Read(path);
        bool isFloat = header.Descr == "<f4";
        bool isInteger = header.Descr[1] is 'i' or 'u';
        if (!isFloat && !isInteger)
        {
            throw new DataFormatException(path, "header", $"Expected integer labels ('|u1', '<i4', '<i8', …) or float32 targets ('<f4') but found '{header.Descr}'.");
        }

        if (header.Rows != count || header.Shape.Length is 0 or > 2 || (isInteger && header.RowLength != 1))
        {
            throw new DataFormatException(
                path,
                "header",
                Invariant.F($"Expected {(isInteger ? "labels of shape" : "targets of shape")} ({count},){(isInteger ? string.Empty : Invariant.F($" or ({count}, n_y)"))} to match the {count:N0} examples of the features but found {header.ShapeText}."));
        }

        using var stream = DataFiles.OpenRead(path);
        stream.Position = header.DataOffset;
        var raw = new byte[header.Rows * header.RowLength * header.ItemSize];
        stream.ReadExactly(raw);
        if (isFloat)
        {
            var targets = LabelBytes.Floats(raw);
            for (int i = 0; i < targets.Length; i++)
            {
                if (!float.IsFinite(targets[i]))
                {
                    throw new DataFormatException(path, Invariant.F($"example {i / header.RowLength}"), Invariant.F($"Expected finite targets but example {i / header.RowLength} has {targets[i]}."));
                }
            }

            return (null, targets, (int)header.RowLength, 0);
        }

        var labels = new int[count];
        int largest = 0;
        for (int i = 0; i < count; i++)
        {
            long value = LabelBytes.Integer(raw, i, header.Descr);
            long limit = classCount ?? Dataset.MaxInferredClassCount;
            if (value < 0 || value >= limit)
            {
                throw new DataFormatException(
                    path,
                    Invariant.F($"example {i}"),
                    classCount is null
                        ? Invariant.F($"Expected labels in [0, {limit}) (pass classCount for more classes) but label {i} is {value}.")
                        : Invariant.F($"Expected labels in [0, {limit}) but label {i} is {value}."));
            }

            labels[i] = (int)value;
            largest = Math.Max(largest, labels[i]);
        }

        return (labels, null, 0, largest + 1);
    }

    /// <summary>Little-endian values out of a label file's bytes.</summary>
    private static class LabelBytes
    {
        public static float[] Floats(byte[] raw) => MemoryMarshal.Cast<byte, float>(raw).ToArray();

        public static long Integer(byte[] raw, int i, string descr) => descr switch
        {
            "|u1" or "|b1" => raw[i],
            "|i1" => (sbyte)raw[i],
            "<i2" => MemoryMarshal.Cast<byte, short>(raw)[i],
            "<u2" => MemoryMarshal.Cast<byte, ushort>(raw)[i],
            "<i4" => MemoryMarshal.Cast<byte, int>(raw)[i],
            "<u4" => MemoryMarshal.Cast<byte, uint>(raw)[i],
            "<u8" => (long)Math.Min(MemoryMarshal.Cast<byte, ulong>(raw)[i], long.MaxValue),
            _ => MemoryMarshal.Cast<byte, long>(raw)[i],
        };
    }
}
