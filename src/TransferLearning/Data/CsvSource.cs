using System.Globalization;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;

namespace TransferLearning.Data;

/// <summary>
/// A CSV file of numbers and one label column (the layout <see cref="CsvReader"/> reads) as a <see cref="DataSource"/>:
/// read once as a stream, a row at a time, with the Sep parser (no string per field), its features written to a float32
/// <c>.npy</c> cache that is then memory-mapped; only the labels (4 bytes a row) stay in memory.
/// </summary>
/// <remarks>
/// <para>
/// The options are <see cref="CsvReader"/>'s (<see cref="CsvOptions"/>: header, label column by name or index, separator,
/// class count or class names), and so are the labels: all integers are the classes themselves; otherwise each distinct
/// text is a class, numbered in ordinal order of the texts, and the texts become <see cref="DataSource.ClassNames"/>. Quoted fields
/// follow RFC 4180; blank lines are skipped; numbers are parsed in the invariant culture.
/// </para>
/// <para>
/// Every defect — a ragged row, a value that is not a finite number, a missing label column, an empty or out-of-range
/// label, a label not in <see cref="CsvOptions.ClassNames"/>, no data — is a <see cref="DataFormatException"/> naming the
/// file, the line and field (from 1), the expected and the actual. The cache is deleted when the source is disposed unless
/// it was given (<c>cachePath</c>), in which case it stays and can be opened again with <see cref="NpySource"/> (with labels saved beside it by the caller).
/// </para>
/// </remarks>
public sealed class CsvSource : DataSource
{
    private readonly string? _temporaryCache;

    private CsvSource(StoredExamples examples, int count, int featureCount, int classCount, IReadOnlyList<string>? classNames, string cachePath, string? temporaryCache)
        : base(examples, count, featureCount, classCount, 0, classNames)
    {
        CachePath = cachePath;
        _temporaryCache = temporaryCache;
    }

    /// <summary>Gets the float32 <c>.npy</c> file the features were written to (shape <c>(m, n_x)</c>).</summary>
    public string CachePath { get; }

    /// <summary>Reads a CSV file once, as a stream, into a memory-mapped float32 cache.</summary>
    /// <param name="path">The file (UTF-8).</param>
    /// <param name="options">Header, label column and separator; <see langword="null"/> for the defaults (a header row, labels in the last column, commas).</param>
    /// <param name="cachePath">Where to write the features (a <c>.npy</c> file, kept); <see langword="null"/> (the default) for a temporary file deleted on <see cref="DataSource.Dispose()"/>.</param>
    /// <returns>The source; dispose it to unmap (and delete) the cache.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or <see cref="CsvOptions.ClassCount"/> and <see cref="CsvOptions.ClassNames"/> are both set and disagree.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, the file cannot be read, or the cache cannot be written.</exception>
    /// <exception cref="DataFormatException">The file is malformed (see the remarks).</exception>
    public static CsvSource Open(string path, CsvOptions? options = null, string? cachePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CsvReader.CheckOptions(options, nameof(options));
        options ??= new CsvOptions();
        string cache = cachePath ?? Path.Combine(Path.GetTempPath(), "transferlearning-csv-" + Guid.NewGuid().ToString("N") + ".npy");
        try
        {
            var (count, featureCount, labels, classCount, names) = WriteCache(path, options, cache);
            var examples = StoredExamples.Map(cache, HeaderLength, featureCount, float32: true, 1f, labels, null, 0);
            return new CsvSource(examples, count, featureCount, classCount, names, cache, cachePath is null ? cache : null);
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

    /// <summary>The cache's header length: fixed, so that it is written before the row count is known and rewritten after.</summary>
    private const int HeaderLength = 128;

    private static (int Count, int FeatureCount, int[] Labels, int ClassCount, string[]? Names) WriteCache(string path, CsvOptions options, string cache)
    {
        using var file = DataFiles.OpenRead(path);
        using var reader = Sep.Reader(o => o with
        {
            HasHeader = options.HasHeader,
            Sep = new Sep(options.Separator),
            Unescape = true,
            DisableColCountCheck = true,
            CultureInfo = CultureInfo.InvariantCulture,
        }).From(file);
        string[]? header = options.HasHeader ? [.. reader.Header.ColNames.Select(n => n.Trim())] : null;
        int width = header?.Length ?? -1;
        int labelColumn = -1;
        var labels = new Labels(options, path);
        float[] row = [];
        using var output = new FileStream(cache, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        output.Position = HeaderLength;
        int count = 0;
        foreach (var record in reader)
        {
            if (record.ColCount == 1 && record[0].Span.Trim().IsEmpty)
            {
                continue; // a blank line
            }

            int line = record.LineNumberFrom;
            if (width < 0)
            {
                width = record.ColCount;
            }

            if (labelColumn < 0)
            {
                if (width < 2)
                {
                    throw new DataFormatException(path, Invariant.F($"line {line}"), Invariant.F($"Expected at least 2 columns (features and a label) but found {width}."));
                }

                labelColumn = CsvReader.LabelColumn(options, header, width, path, 1);
                row = new float[width - 1];
            }

            if (record.ColCount != width)
            {
                throw new DataFormatException(path, Invariant.F($"line {line}"), Invariant.F($"Expected {width} fields, {(header is null ? "as in the first row" : "as in the header")}, but this row has {record.ColCount}."));
            }

            int k = 0;
            for (int c = 0; c < width; c++)
            {
                var text = record[c].Span;
                if (c == labelColumn)
                {
                    labels.Add(text.Trim(), line, c);
                    continue;
                }

                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out row[k]) || !float.IsFinite(row[k]))
                {
                    string column = header is null ? Invariant.F($"column {c}") : Invariant.F($"column {c} '{header[c]}'");
                    throw new DataFormatException(path, Invariant.F($"line {line}, field {c + 1}"), Invariant.F($"Expected a finite number in {column} but found '{text.ToString()}'."));
                }

                k++;
            }

            output.Write(MemoryMarshal.AsBytes(row.AsSpan()));
            count++;
        }

        if (count == 0)
        {
            throw new DataFormatException(path, "line 1", options.HasHeader ? "Expected a header row and at least one data row but found no data rows." : "Expected at least one data row but the file is empty.");
        }

        output.Position = 0;
        NpyFormat.Write(output, "<f4", [count, row.Length], HeaderLength);
        var (values, classCount, names) = labels.Finish();
        return (count, row.Length, values, classCount, names);
    }

    /// <summary>The label column, one row at a time: checked as it is read, numbered when the file ends (integers as themselves, or texts in ordinal order).</summary>
    private sealed class Labels(CsvOptions options, string path)
    {
        private readonly Dictionary<string, int> _fixed = options.ClassNames?.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal) ?? [];
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
        private readonly List<int> _ids = [];
        private readonly List<string> _texts = [];
        private bool _integers = true;

        private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SeenBySpan => _seen.GetAlternateLookup<ReadOnlySpan<char>>();

        public void Add(ReadOnlySpan<char> text, int line, int column)
        {
            string where = Invariant.F($"line {line}, field {column + 1}");
            if (text.IsEmpty)
            {
                throw new DataFormatException(path, where, "Expected a label but the field is empty.");
            }

            if (options.ClassNames is { } names)
            {
                if (!_fixed.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out int known))
                {
                    string list = names.Count <= 20 ? ": " + string.Join(", ", names.Select(n => $"'{n}'")) : string.Empty;
                    throw new DataFormatException(path, where, $"Expected one of the {names.Count} class names{list} but found '{text.ToString()}'.");
                }

                _ids.Add(known);
                return;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                int limit = options.ClassCount ?? Dataset.MaxInferredClassCount;
                if (value < 0 || value >= limit)
                {
                    throw new DataFormatException(path, where, Invariant.F($"Expected a label in [0, {limit}) but found {value}."));
                }
            }
            else
            {
                _integers = false;
            }

            if (!SeenBySpan.TryGetValue(text, out int id))
            {
                id = _texts.Count;
                string key = text.ToString();
                _seen[key] = id;
                _texts.Add(key);
            }

            _ids.Add(id);
        }

        public (int[] Labels, int ClassCount, string[]? Names) Finish()
        {
            if (options.ClassNames is { } names)
            {
                return ([.. _ids], names.Count, [.. names]);
            }

            if (_integers)
            {
                var values = _texts.Select(t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
                var labels = _ids.Select(id => values[id]).ToArray();
                return (labels, options.ClassCount ?? (values.Max() + 1), null);
            }

            var sorted = _texts.Order(StringComparer.Ordinal).ToArray();
            var rank = sorted.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
            var byId = _texts.Select(t => rank[t]).ToArray();
            return ([.. _ids.Select(id => byId[id])], sorted.Length, sorted);
        }
    }
}
