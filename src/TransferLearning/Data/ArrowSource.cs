using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace TransferLearning.Data;

/// <summary>
/// An Apache Arrow IPC file (the file format, <c>.arrow</c>/Feather v2, or the stream format, <c>.arrows</c>) as a
/// <see cref="DataSource"/>: features from float32 or uint8 columns (or one fixed-size list column of them), labels
/// from an integer column (class indices), a dictionary-encoded string column (class names) or a float32 column (a
/// regression target). Record batches may be uncompressed or compressed with LZ4_FRAME or ZSTD. Read once, a record batch at a time,
/// into a row-major cache that is then memory-mapped; only the labels (4 bytes a row) stay in memory.
/// </summary>
/// <remarks>
/// <para>
/// Arrow stores a table by columns; training gathers examples by rows, in a shuffled order. Gathering an example from
/// <c>n_x</c> separate columns would touch <c>n_x</c> places in the file per example, so the file is read once, in its
/// order, one record batch at a time (the process holds one batch and its labels; the batch is released before the
/// next is read), and each row is written to a <c>.npy</c> cache: uint8 (1 byte a value, as stored) when every feature
/// column is uint8, otherwise float32. The rows keep the file's order, so example <c>i</c> is row <c>i</c> counted across
/// the record batches, as in a <see cref="Dataset"/> built from the same table: the same seed gives the same weights.
/// </para>
/// <para>
/// Every defect is a <see cref="DataFormatException"/> naming the file and, where it applies, the column and the row
/// (counted from 0 across the record batches): a file that is not Arrow IPC or is truncated or damaged, a missing
/// column, a column of another type (the expected and the actual type are named), a null value, a feature or target
/// that is not finite, a label out of range, no rows, a compressed buffer that does not decompress. The cache is deleted
/// when the source is disposed unless it was given (<c>cachePath</c>).
/// </para>
/// <para>
/// Compression: record batches compressed with LZ4_FRAME or ZSTD (pyarrow's <c>compression="lz4"</c> or <c>"zstd"</c>,
/// Feather v2's default) are decompressed as they are read, through Apache.Arrow.Compression; the cache holds the values, so
/// training from a compressed file gives the weights of the same file uncompressed, bit for bit.
/// </para>
/// <para>
/// Dictionary-encoded string labels (pyarrow's <c>dictionary_encode()</c>, a pandas <c>Categorical</c>): the class of a row is
/// its index into the column's dictionary, and the dictionary's strings, in its order, are <see cref="DataSource.ClassNames"/>
/// (unless <c>classNames</c> is given). The order is the file's: pyarrow's <c>dictionary_encode()</c> numbers the strings in
/// order of first appearance, a pandas <c>Categorical</c> in the order of its categories (sorted, by default). Every entry of
/// the dictionary is a class, used or not. A later record batch may extend the dictionary (a delta) but not change an entry.
/// </para>
/// </remarks>
public sealed class ArrowSource : DataSource
{
    /// <summary>The cache's header length: fixed, so that it is written before the row count is known and rewritten after.</summary>
    private const int HeaderLength = 128;

    /// <summary>The rows transposed and written at a time.</summary>
    private const int RowBlock = 256;

    private readonly string? _temporaryCache;

    private ArrowSource(StoredExamples examples, Layout layout, Read read, IReadOnlyList<string>? classNames, string path, string cachePath, string? temporaryCache, float scale)
        : base(examples, read.Count, layout.FeatureCount, read.Labels is null ? 0 : read.ClassCount, read.Labels is null ? 1 : 0, classNames)
    {
        FilePath = path;
        LabelColumn = layout.Label.Name;
        FeatureColumns = [.. layout.Features.Select(f => f.Name)];
        CachePath = cachePath;
        Scale = scale;
        _temporaryCache = temporaryCache;
    }

    /// <summary>Gets the Arrow file read.</summary>
    public string FilePath { get; }

    /// <summary>Gets the name of the label (or target) column.</summary>
    public string LabelColumn { get; }

    /// <summary>Gets the names of the feature columns, in the order their values are laid out in an example (one name for a fixed-size list column).</summary>
    public IReadOnlyList<string> FeatureColumns { get; }

    /// <summary>Gets the <c>.npy</c> file the rows were written to (shape <c>(m, n_x)</c>, uint8 or float32 as stored).</summary>
    public string CachePath { get; }

    /// <summary>Gets the factor each stored feature value is multiplied by when gathered.</summary>
    public float Scale { get; }

    /// <summary>Reads an Arrow IPC file (file or stream format, told apart by its first bytes) once, a record batch at a time, into a memory-mapped row cache.</summary>
    /// <param name="path">The file.</param>
    /// <param name="labelColumn">
    /// The label column: integers (<c>int8</c> to <c>int64</c>, <c>uint8</c> to <c>uint64</c>) are class indices from 0, for
    /// classification; a <c>dictionary&lt;int…, string&gt;</c> column is class names, the class being the index into the
    /// dictionary (see the remarks); <c>float</c> (float32) values are a regression target.
    /// </param>
    /// <param name="featureColumns">
    /// The feature columns, in the order their values go into an example: each <c>float</c> (float32) or <c>uint8</c>, or
    /// a single <c>fixed_size_list&lt;float&gt;</c> (or <c>&lt;uint8&gt;</c>) column holding a whole example.
    /// <see langword="null"/> (the default) means every column but the label column, in the schema's order.
    /// </param>
    /// <param name="classCount">The number of classes (labels in <c>[0, classCount)</c>); <see langword="null"/> (the default) means the largest label + 1, or the dictionary's size for a dictionary-encoded label column (which, if given, it must equal). Ignored for a regression target.</param>
    /// <param name="scale">Each feature is multiplied by this when gathered: <c>1f / 255</c> brings uint8 pixels to [0, 1]. Finite; the default is 1.</param>
    /// <param name="classNames">Optional class names, one per class; <see langword="null"/> (the default) takes the dictionary's strings for a dictionary-encoded label column, and no names otherwise.</param>
    /// <param name="cachePath">Where to write the rows (a <c>.npy</c> file, kept); <see langword="null"/> (the default) for a temporary file deleted on <see cref="DataSource.Dispose()"/>.</param>
    /// <returns>The source; dispose it to unmap (and delete) the cache.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> or <paramref name="labelColumn"/> is null or empty, <paramref name="featureColumns"/> is empty or
    /// names a column twice or names the label column, <paramref name="scale"/> is not finite, or <paramref name="classNames"/>
    /// does not hold one name per class.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is less than 1.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, the file cannot be read, or the cache cannot be written.</exception>
    /// <exception cref="DataFormatException">The file is not a well-formed Arrow IPC file (uncompressed, LZ4_FRAME or ZSTD), or a column is missing, of another type, holds a null, a non-finite value or a label out of range, a dictionary-encoded label column changes an entry between record batches, has a null or empty entry or other than <paramref name="classCount"/> entries, or there are no rows (see the remarks).</exception>
    public static ArrowSource Open(
        string path,
        string labelColumn,
        IReadOnlyList<string>? featureColumns = null,
        int? classCount = null,
        float scale = 1f,
        IReadOnlyList<string>? classNames = null,
        string? cachePath = null)
    {
        IdxReader.CheckPairArguments(path, labelColumn, classCount, scale);
        CheckFeatureColumns(featureColumns, labelColumn);
        string cache = cachePath ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "transferlearning-arrow-" + Guid.NewGuid().ToString("N") + ".npy");
        try
        {
            var (layout, read) = WriteCache(path, labelColumn, featureColumns, classCount, cache);
            int classes = read.Labels is null ? 0 : read.ClassCount;
            Dataset.EnsureClassNames(classNames, classes, nameof(classNames));
            var examples = StoredExamples.Map(cache, HeaderLength, layout.FeatureCount, float32: !layout.AllBytes, scale, read.Labels, read.Targets, read.Labels is null ? 1 : 0);
            return new ArrowSource(examples, layout, read, classNames?.ToArray() ?? read.ClassNames, path, cache, cachePath is null ? cache : null, scale);
        }
        catch
        {
            if (cachePath is null)
            {
                File.Delete(cache);
            }

            throw;
        }
    }

    /// <inheritdoc />
    protected override void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) =>
        GatherStored(indices, features, labels, targets);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // unmaps the cache first
        if (disposing && _temporaryCache is not null)
        {
            File.Delete(_temporaryCache);
        }
    }

    private static void CheckFeatureColumns(IReadOnlyList<string>? featureColumns, string labelColumn)
    {
        if (featureColumns is null)
        {
            return;
        }

        if (featureColumns.Count == 0)
        {
            throw new ArgumentException("Expected at least one feature column (or null for every column but the label) but got none.", nameof(featureColumns));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in featureColumns)
        {
            if (string.IsNullOrEmpty(name) || name == labelColumn || !seen.Add(name))
            {
                throw new ArgumentException($"Expected distinct, non-empty feature column names other than the label column '{labelColumn}' but got '{name}'.", nameof(featureColumns));
            }
        }
    }

    /// <summary>Reads the file a record batch at a time, checking each batch and writing its rows to the cache.</summary>
    private static (Layout Layout, Read Read) WriteCache(string path, string labelColumn, IReadOnlyList<string>? featureColumns, int? classCount, string cache)
    {
        using var file = DataFiles.OpenRead(path);
        using var reader = OpenReader(file, path);
        var layout = Layout.Of(Guarded(path, "schema", () => reader.Schema), path, labelColumn, featureColumns);
        var labels = new Labels(path, layout.Label, classCount);
        using var output = new FileStream(cache, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        output.Position = HeaderLength;
        var rows = new Rows(layout);
        long count = 0;
        int batchIndex = 0;
        while (Guarded(path, Invariant.F($"record batch {batchIndex}"), reader.ReadNextRecordBatch) is { } batch)
        {
            using (batch)
            {
                if (count + batch.Length > System.Array.MaxLength)
                {
                    throw new DataFormatException(path, Invariant.F($"record batch {batchIndex}"), Invariant.F($"Expected at most {System.Array.MaxLength:N0} rows but the file has more."));
                }

                labels.Add(batch.Column(layout.Label.Index), count, batchIndex);
                rows.Write(batch, count, output, path);
                count += batch.Length;
            }

            batchIndex++;
        }

        if (count == 0)
        {
            throw new DataFormatException(path, "record batch 0", "Expected at least one row but the file has none.");
        }

        output.Position = 0;
        NpyFormat.Write(output, layout.AllBytes ? "|u1" : "<f4", [count, layout.FeatureCount], HeaderLength);
        return (layout, labels.Finish((int)count));
    }

    /// <summary>The file format's reader when the file starts with the magic bytes <c>ARROW1</c>, otherwise the stream format's.</summary>
    private static ArrowStreamReader OpenReader(FileStream file, string path)
    {
        Span<byte> magic = stackalloc byte[6];
        int got = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (got == 0)
        {
            throw new DataFormatException(path, "byte offset 0", "Expected an Arrow IPC file or stream but the file is empty.");
        }

        // LZ4_FRAME and ZSTD compressed record batches are decompressed as they are read (Apache.Arrow.Compression).
        var codecs = new CompressionCodecFactory();
        return magic[..got].SequenceEqual("ARROW1"u8) ? new ArrowFileReader(file, allocator: null, codecs, leaveOpen: true) : new ArrowStreamReader(file, allocator: null, codecs, leaveOpen: true);
    }

    /// <summary>Runs a call into the Arrow reader, turning its failures on a damaged or truncated file (or compressed buffers that do not decompress) into a <see cref="DataFormatException"/> naming the file (the reader throws a plain <see cref="Exception"/> for some).</summary>
    private static T Guarded<T>(string path, string location, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e.GetType() == typeof(Exception) || e is NotImplementedException or InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException or NotSupportedException or OverflowException or IndexOutOfRangeException or InvalidCastException)
        {
            throw new DataFormatException(path, location, $"Expected a well-formed Arrow IPC file or stream (uncompressed, LZ4_FRAME or ZSTD) but reading it failed: {e.Message}", e);
        }
    }

    private static string Describe(IArrowType type) => type switch
    {
        FixedSizeListType list => Invariant.F($"fixed_size_list<{list.ValueDataType.Name}>[{list.ListSize}]"),
        DictionaryType dictionary => $"dictionary<{dictionary.IndexType.Name}, {dictionary.ValueType.Name}>",
        _ => type.Name,
    };

    private static DataFormatException NullIn(string path, IArrowArray column, string name, long firstRow)
    {
        int at = 0;
        while (column.IsValid(at))
        {
            at++;
        }

        return new DataFormatException(path, Invariant.F($"column '{name}', row {firstRow + at}"), Invariant.F($"Expected no null values but row {firstRow + at} of column '{name}' is null."));
    }

    /// <summary>A column of the schema: its name, index and type.</summary>
    private readonly record struct Column(string Name, int Index, IArrowType Type);

    /// <summary>What is read from the file: the label and feature columns, checked against the schema.</summary>
    private sealed class Layout
    {
        private Layout(Column label, Column[] features, bool isList, int featureCount, bool allBytes)
        {
            Label = label;
            Features = features;
            IsList = isList;
            FeatureCount = featureCount;
            AllBytes = allBytes;
        }

        public Column Label { get; }

        public Column[] Features { get; }

        /// <summary>Gets a value indicating whether the features are one fixed-size list column.</summary>
        public bool IsList { get; }

        public int FeatureCount { get; }

        /// <summary>Gets a value indicating whether every feature is stored as uint8 (the cache keeps 1 byte a value).</summary>
        public bool AllBytes { get; }

        public static Layout Of(Schema schema, string path, string labelColumn, IReadOnlyList<string>? featureColumns)
        {
            var label = Find(schema, path, labelColumn);
            if (!IsClassLabel(label.Type) && label.Type.TypeId != ArrowTypeId.Float)
            {
                throw new DataFormatException(path, Invariant.F($"column '{label.Name}'"), $"Expected the label column to be an integer (class indices), a dictionary-encoded string (class names) or float (a regression target) but column '{label.Name}' is {Describe(label.Type)}.");
            }

            var features = featureColumns is null
                ? schema.FieldsList.Select((f, i) => new Column(f.Name, i, f.DataType)).Where(c => c.Index != label.Index).ToArray()
                : [.. featureColumns.Select(name => Find(schema, path, name))];
            if (features.Length == 0)
            {
                throw new DataFormatException(path, "schema", $"Expected feature columns besides the label column '{label.Name}' but the file has none.");
            }

            if (features.Length == 1 && features[0].Type is FixedSizeListType list)
            {
                if (list.ValueDataType.TypeId is not (ArrowTypeId.Float or ArrowTypeId.UInt8) || list.ListSize < 1)
                {
                    throw WrongFeatureType(path, features[0]);
                }

                return new Layout(label, features, isList: true, list.ListSize, list.ValueDataType.TypeId == ArrowTypeId.UInt8);
            }

            foreach (var column in features)
            {
                if (column.Type.TypeId is not (ArrowTypeId.Float or ArrowTypeId.UInt8))
                {
                    throw WrongFeatureType(path, column);
                }
            }

            return new Layout(label, features, isList: false, features.Length, features.All(c => c.Type.TypeId == ArrowTypeId.UInt8));
        }

        public static bool IsInteger(IArrowType type) => type.TypeId is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64
            or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64;

        /// <summary>Whether a label column holds classes: integer indices, or strings dictionary-encoded with integer indices.</summary>
        public static bool IsClassLabel(IArrowType type) => IsInteger(type) || (type is DictionaryType d && IsInteger(d.IndexType) && d.ValueType.TypeId == ArrowTypeId.String);

        private static Column Find(Schema schema, string path, string name)
        {
            int index = schema.GetFieldIndex(name, StringComparer.Ordinal);
            if (index < 0)
            {
                string names = string.Join(", ", schema.FieldsList.Take(20).Select(f => $"'{f.Name}'"));
                throw new DataFormatException(path, "schema", Invariant.F($"Expected a column '{name}' but the file has {schema.FieldsList.Count} columns: {names}{(schema.FieldsList.Count > 20 ? ", …" : string.Empty)}."));
            }

            var field = schema.GetFieldByIndex(index);
            return new Column(field.Name, index, field.DataType);
        }

        private static DataFormatException WrongFeatureType(string path, Column column) =>
            new(path, Invariant.F($"column '{column.Name}'"), $"Expected float or uint8 feature columns, or a single fixed_size_list<float> or fixed_size_list<uint8> column, but column '{column.Name}' is {Describe(column.Type)}.");
    }

    /// <summary>The labels or targets, checked as each batch is read; the class names of a dictionary-encoded label column.</summary>
    private sealed class Labels(string path, Column column, int? classCount)
    {
        private readonly List<int>? _labels = Layout.IsClassLabel(column.Type) ? [] : null;
        private readonly List<float>? _targets = Layout.IsClassLabel(column.Type) ? null : [];
        private readonly List<string>? _names = column.Type is DictionaryType ? [] : null;
        private int _largest;

        public void Add(IArrowArray values, long firstRow, int batchIndex)
        {
            if (values.NullCount > 0)
            {
                throw NullIn(path, values, column.Name, firstRow);
            }

            if (values is DictionaryArray dictionary)
            {
                AddNames((StringArray)dictionary.Dictionary, batchIndex);
                values = dictionary.Indices;
            }

            if (values is FloatArray floats)
            {
                var span = floats.Values;
                for (int r = 0; r < span.Length; r++)
                {
                    if (!float.IsFinite(span[r]))
                    {
                        throw new DataFormatException(path, Invariant.F($"column '{column.Name}', row {firstRow + r}"), Invariant.F($"Expected finite targets but row {firstRow + r} is {span[r]}."));
                    }

                    _targets!.Add(span[r]);
                }

                return;
            }

            long limit = classCount ?? _names?.Count ?? Dataset.MaxInferredClassCount;
            for (int r = 0; r < values.Length; r++)
            {
                long value = Integer(values, r);
                if (value < 0 || value >= limit)
                {
                    throw new DataFormatException(
                        path,
                        Invariant.F($"column '{column.Name}', row {firstRow + r}"),
                        classCount is null && _names is null
                            ? Invariant.F($"Expected labels in [0, {limit}) (pass classCount for more classes) but row {firstRow + r} is {value}.")
                            : Invariant.F($"Expected labels in [0, {limit}){(_names is null ? string.Empty : " (dictionary indices)")} but row {firstRow + r} is {value}."));
                }

                _labels!.Add((int)value);
                _largest = Math.Max(_largest, (int)value);
            }
        }

        /// <exception cref="DataFormatException">A dictionary-encoded label column has other than <c>classCount</c> entries (when it is given).</exception>
        public Read Finish(int count)
        {
            if (_names is not null && classCount is { } classes && classes != _names.Count)
            {
                throw new DataFormatException(
                    path,
                    Invariant.F($"column '{column.Name}'"),
                    Invariant.F($"Expected classCount = {classes} classes but the dictionary of column '{column.Name}' has {_names.Count} entries (its entries are the classes: pass no classCount)."));
            }

            return new(count, _labels?.ToArray(), _targets?.ToArray(), classCount ?? _names?.Count ?? (_largest + 1), _names?.ToArray());
        }

        /// <summary>
        /// Keeps the dictionary's strings as the class names, in its order (index = class). A later record batch may extend the
        /// dictionary (a delta) but not change an entry already read: a label means one class throughout the file.
        /// </summary>
        private void AddNames(StringArray dictionary, int batchIndex)
        {
            string location = Invariant.F($"column '{column.Name}', record batch {batchIndex}");
            int known = _names!.Count;
            if (dictionary.Length < known)
            {
                throw new DataFormatException(path, location, Invariant.F($"Expected the dictionary of column '{column.Name}' to keep its {known} entries across record batches but record batch {batchIndex} has {dictionary.Length}."));
            }

            for (int i = 0; i < dictionary.Length; i++)
            {
                string? name = dictionary.IsNull(i) ? null : dictionary.GetString(i);
                if (string.IsNullOrEmpty(name))
                {
                    throw new DataFormatException(path, location, Invariant.F($"Expected class names in the dictionary of column '{column.Name}' but entry {i} is {(name is null ? "null" : "empty")}."));
                }

                if (i < known && name != _names[i])
                {
                    throw new DataFormatException(path, location, Invariant.F($"Expected the dictionary of column '{column.Name}' to keep its entries across record batches but entry {i} is '{_names[i]}' before record batch {batchIndex} and '{name}' in it."));
                }

                if (i >= known)
                {
                    _names.Add(name);
                }
            }
        }

        private static long Integer(IArrowArray values, int r) => values switch
        {
            Int8Array a => a.Values[r],
            Int16Array a => a.Values[r],
            Int32Array a => a.Values[r],
            Int64Array a => a.Values[r],
            UInt8Array a => a.Values[r],
            UInt16Array a => a.Values[r],
            UInt32Array a => a.Values[r],
            UInt64Array a => (long)Math.Min(a.Values[r], long.MaxValue),
            _ => throw new InvalidOperationException($"Unexpected label array {values.GetType().Name}."),
        };
    }

    /// <summary>Turns each batch's columns into rows and writes them to the cache (uint8 or float32), a block of rows at a time.</summary>
    private sealed class Rows(Layout layout)
    {
        private readonly float[] _floats = layout.AllBytes ? [] : new float[RowBlock * layout.FeatureCount];
        private readonly byte[] _bytes = layout.AllBytes ? new byte[RowBlock * layout.FeatureCount] : [];

        public void Write(RecordBatch batch, long firstRow, Stream output, string path)
        {
            var columns = layout.Features.Select(c => Values(batch.Column(c.Index), c, firstRow, path)).ToArray();
            int n = layout.FeatureCount;
            for (int start = 0; start < batch.Length; start += RowBlock)
            {
                int rows = Math.Min(RowBlock, batch.Length - start);
                if (layout.IsList)
                {
                    var values = columns[0];
                    if (layout.AllBytes)
                    {
                        output.Write(((UInt8Array)values).Values.Slice(start * n, rows * n));
                    }
                    else
                    {
                        var floats = ((FloatArray)values).Values.Slice(start * n, rows * n);
                        EnsureFinite(floats, n, firstRow + start, layout.Features[0].Name, path);
                        output.Write(MemoryMarshal.AsBytes(floats));
                    }

                    continue;
                }

                for (int c = 0; c < columns.Length; c++)
                {
                    Transpose(columns[c], c, start, rows, n, firstRow, path);
                }

                output.Write(layout.AllBytes ? _bytes.AsSpan(0, rows * n) : MemoryMarshal.AsBytes(_floats.AsSpan(0, rows * n)));
            }
        }

        /// <summary>A feature column's values (a list column's child values, from its first row), after checking for nulls.</summary>
        private static IArrowArray Values(IArrowArray array, Column column, long firstRow, string path)
        {
            if (array.NullCount > 0)
            {
                throw NullIn(path, array, column.Name, firstRow);
            }

            if (array is not FixedSizeListArray list)
            {
                return array;
            }

            int size = ((FixedSizeListType)column.Type).ListSize;
            var child = (Apache.Arrow.Array)list.Values;
            var values = child.Slice(list.Offset * size, list.Length * size);
            if (values.NullCount > 0)
            {
                int at = 0;
                while (values.IsValid(at))
                {
                    at++;
                }

                throw new DataFormatException(path, Invariant.F($"column '{column.Name}', row {firstRow + (at / size)}"), Invariant.F($"Expected no null values but value {at % size} of row {firstRow + (at / size)} in column '{column.Name}' is null."));
            }

            return values;
        }

        private void Transpose(IArrowArray column, int c, int start, int rows, int n, long firstRow, string path)
        {
            if (column is UInt8Array bytes)
            {
                var span = bytes.Values.Slice(start, rows);
                for (int r = 0; r < rows; r++)
                {
                    if (layout.AllBytes)
                    {
                        _bytes[(r * n) + c] = span[r];
                    }
                    else
                    {
                        _floats[(r * n) + c] = span[r];
                    }
                }

                return;
            }

            var floats = ((FloatArray)column).Values.Slice(start, rows);
            EnsureFinite(floats, 1, firstRow + start, layout.Features[c].Name, path);
            for (int r = 0; r < rows; r++)
            {
                _floats[(r * n) + c] = floats[r];
            }
        }

        private static void EnsureFinite(ReadOnlySpan<float> values, int perRow, long firstRow, string name, string path)
        {
            if (Guard.IsAllFinite(values))
            {
                return;
            }

            int at = 0;
            while (float.IsFinite(values[at]))
            {
                at++;
            }

            long row = firstRow + (at / perRow);
            throw new DataFormatException(path, Invariant.F($"column '{name}', row {row}"), Invariant.F($"Expected finite features but row {row} of column '{name}' is {values[at]}."));
        }
    }

    /// <summary>The rows read and their labels (or targets).</summary>
    private sealed record Read(int Count, int[]? Labels, float[]? Targets, int ClassCount, string[]? ClassNames);
}
