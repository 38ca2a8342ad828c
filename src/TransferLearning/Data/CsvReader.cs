using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace TransferLearning.Data;

/// <summary>
/// Reads a CSV file of numbers and one label column as a classification <see cref="Dataset"/>: each row is
/// one example, each other column one feature. Numbers are parsed in the invariant culture (<c>1.5</c>, never <c>1,5</c>).
/// </summary>
/// <remarks>
/// <para>
/// Fields follow RFC 4180: a field may be quoted (<c>"a, b"</c>), a quote inside one is doubled, and blank
/// lines are skipped. Labels that are all integers are the classes themselves (0 … max); otherwise each
/// distinct text is a class, numbered in ordinal order of the texts, and the texts become the
/// <see cref="Dataset.ClassNames"/>.
/// </para>
/// <para>
/// That numbering is per file: a training file with {bird, cat, dog} makes cat class 1, a test file with only
/// {cat, dog} would make it class 0. Read every file after the first with the first one's class list,
/// <c>new CsvOptions { ClassNames = train.ClassNames }</c> (<see cref="CsvOptions.ClassNames"/>): labels are
/// then looked up by name, and a label not in the list is an error naming the file, the line and the label.
/// </para>
/// <para>
/// Every defect — a ragged row, a value that is not a finite number, an unclosed quote, a missing label
/// column, a label out of range, no data — is a <see cref="DataFormatException"/> naming the file, the line
/// and column, and what is wrong. (A hand-written reader rather than a CSV package: it knows the line and
/// column of every field, and the library takes no dependency for a few dozen lines.)
/// </para>
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a CSV file as a classification set.</summary>
    /// <param name="path">The file (UTF-8).</param>
    /// <param name="options">Header, label column and separator; <see langword="null"/> for the defaults (a header row, labels in the last column, commas).</param>
    /// <returns>The set, features as columns.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or <see cref="CsvOptions.ClassCount"/> and <see cref="CsvOptions.ClassNames"/> are both set and disagree.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the path does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file cannot be read (no permission: the <see cref="UnauthorizedAccessException"/> is the inner exception).</exception>
    /// <exception cref="DataFormatException">The file is malformed (see the remarks), or a label is not in <see cref="CsvOptions.ClassNames"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their source (a path or a reader), not in optional parameters; a later setting goes into CsvOptions, never into a new optional parameter.")]
    public static Dataset ReadDataset(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckOptions(options, nameof(options));
        return Parse(DataFiles.ReadAllText(path), path, options ?? new CsvOptions());
    }

    /// <summary>Reads CSV text as a classification set (as <see cref="ReadDataset(string, CsvOptions?)"/>, from a reader).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages in place of a file path.</param>
    /// <param name="options">Header, label column and separator; <see langword="null"/> for the defaults.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="sourceName"/> is null or empty, or <see cref="CsvOptions.ClassCount"/> and <see cref="CsvOptions.ClassNames"/> are both set and disagree.</exception>
    /// <exception cref="DataFormatException">The text is malformed, or a label is not in <see cref="CsvOptions.ClassNames"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their source (a path or a reader), not in optional parameters; a later setting goes into CsvOptions, never into a new optional parameter.")]
    public static Dataset ReadDataset(TextReader reader, string sourceName, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        CheckOptions(options, nameof(options));
        return Parse(reader.ReadToEnd(), sourceName, options ?? new CsvOptions());
    }

    internal static void CheckOptions(CsvOptions? options, string paramName)
    {
        if (options is { ClassNames: { } names, ClassCount: int count } && count != names.Count)
        {
            throw new ArgumentException(
                Invariant.F($"Expected CsvOptions.ClassCount to equal the {names.Count} ClassNames, or to be null, but it is {count}."), paramName);
        }
    }

    private static Dataset Parse(string text, string source, CsvOptions options)
    {
        var records = Records(text, options.Separator, source).ToList();
        string[]? header = null;
        int headerLine = 0;
        if (options.HasHeader && records.Count > 0)
        {
            header = records[0].Fields.Select(f => f.Text.Trim()).ToArray();
            headerLine = records[0].Line;
            records.RemoveAt(0);
        }

        if (records.Count == 0)
        {
            throw new DataFormatException(source, "line 1", options.HasHeader ? "Expected a header row and at least one data row but found no data rows." : "Expected at least one data row but the file is empty.");
        }

        int width = header?.Length ?? records[0].Fields.Count;
        string widthSource = header is null ? Invariant.F($"as in the first row (line {records[0].Line})") : Invariant.F($"as in the header (line {headerLine})");
        int labelColumn = LabelColumn(options, header, width, source, headerLine);
        if (width < 2)
        {
            throw new DataFormatException(source, Invariant.F($"line {records[0].Line}"), Invariant.F($"Expected at least 2 columns (features and a label) but found {width}."));
        }

        int n = width - 1;
        var features = new float[(long)records.Count * n];
        var labelFields = new Field[records.Count];
        for (int r = 0; r < records.Count; r++)
        {
            var (line, fields) = records[r];
            if (fields.Count != width)
            {
                var last = fields[^1];
                var at = fields.Count > width ? fields[width] : last with { Column = last.EndColumn };
                throw new DataFormatException(
                    source,
                    Invariant.F($"line {line}, column {at.Column}"),
                    Invariant.F($"Expected {width} fields, {widthSource}, but this row has {fields.Count}."));
            }

            int k = r * n;
            for (int c = 0; c < width; c++)
            {
                if (c == labelColumn)
                {
                    labelFields[r] = fields[c];
                    continue;
                }

                var field = fields[c];
                if (!float.TryParse(field.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                {
                    string column = header is null ? Invariant.F($"column {c}") : Invariant.F($"column {c} '{header[c]}'");
                    throw new DataFormatException(
                        source,
                        Invariant.F($"line {field.Line}, column {field.Column}"),
                        Invariant.F($"Expected a finite number in {column} but found '{field.Text}'."));
                }

                features[k++] = value;
            }
        }

        var (labels, classCount, names) = options.ClassNames is { } fixedNames
            ? (LabelsByName(labelFields, fixedNames, source), fixedNames.Count, fixedNames.ToArray())
            : Labels(labelFields, options.ClassCount, source);
        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(n, records.Count, features), labels, classCount);
        return names is null ? data : data.WithClassNames(names);
    }

    internal static int LabelColumn(CsvOptions options, string[]? header, int width, string source, int headerLine)
    {
        if (options.LabelColumn is { } name)
        {
            if (header is null)
            {
                throw new DataFormatException(source, "line 1", $"Expected a header row to find the label column '{name}' by name, but CsvOptions.HasHeader is false; use LabelColumnIndex.");
            }

            int index = Array.IndexOf(header, name);
            return index >= 0
                ? index
                : throw new DataFormatException(
                    source, Invariant.F($"line {headerLine}"), $"Expected a column named '{name}' for the labels but the header has: {string.Join(", ", header.Select(h => $"'{h}'"))}.");
        }

        if (options.LabelColumnIndex is int column)
        {
            return column < width
                ? column
                : throw new DataFormatException(
                    source, Invariant.F($"line {Math.Max(headerLine, 1)}"), Invariant.F($"Expected the label column {column} (from 0) but the rows have {width} columns."));
        }

        return width - 1;
    }

    private static (int[] Labels, int ClassCount, string[]? Names) Labels(Field[] fields, int? classCount, string source)
    {
        var labels = new int[fields.Length];
        bool integers = true;
        for (int i = 0; i < fields.Length && integers; i++)
        {
            integers = int.TryParse(fields[i].Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out labels[i]);
        }

        if (integers)
        {
            int classes = classCount ?? InferredClassCount(labels, fields, source);
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0 || labels[i] >= classes)
                {
                    throw new DataFormatException(
                        source,
                        Invariant.F($"line {fields[i].Line}, column {fields[i].Column}"),
                        Invariant.F($"Expected a label in [0, {classes}) but found {labels[i]}."));
                }
            }

            return (labels, Math.Max(classes, 1), null);
        }

        var names = fields.Select(f => f.Text.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var emptyAt = Array.FindIndex(fields, f => f.Text.Trim().Length == 0);
        if (emptyAt >= 0)
        {
            throw new DataFormatException(
                source, Invariant.F($"line {fields[emptyAt].Line}, column {fields[emptyAt].Column}"), "Expected a label but the field is empty.");
        }

        return (fields.Select(f => index[f.Text.Trim()]).ToArray(), names.Length, names);
    }

    /// <summary>Each label looked up by name in the fixed class list.</summary>
    private static int[] LabelsByName(Field[] fields, IReadOnlyList<string> classNames, string source)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < classNames.Count; k++)
        {
            index[classNames[k]] = k;
        }

        var labels = new int[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            string text = fields[i].Text.Trim();
            if (!index.TryGetValue(text, out labels[i]))
            {
                string list = classNames.Count <= 20 ? ": " + string.Join(", ", classNames.Select(n => $"'{n}'")) : string.Empty;
                throw new DataFormatException(
                    source,
                    Invariant.F($"line {fields[i].Line}, column {fields[i].Column}"),
                    Invariant.F($"Expected a label in CsvOptions.ClassNames ({classNames.Count} classes{list}) but found '{text}'."));
            }
        }

        return labels;
    }

    /// <summary>The largest integer label + 1, in long arithmetic (int.MaxValue + 1 would wrap), within the limit a set takes.</summary>
    private static int InferredClassCount(int[] labels, Field[] fields, string source)
    {
        int at = Dataset.IndexOfLargest(labels);

        long inferred = (long)labels[at] + 1;
        if (inferred > Dataset.MaxInferredClassCount)
        {
            throw new DataFormatException(
                source,
                Invariant.F($"line {fields[at].Line}, column {fields[at].Column}"),
                Invariant.F($"Expected labels below {Dataset.MaxInferredClassCount:N0} when the class count is inferred (largest label + 1) but found {labels[at]}: set CsvOptions.ClassCount."));
        }

        return (int)inferred;
    }

    /// <summary>Splits the text into records of fields (RFC 4180 quoting), each field with its line and column (from 1).</summary>
    private static IEnumerable<(int Line, List<Field> Fields)> Records(string text, char separator, string source)
    {
        int i = 0;
        int line = 1;
        int column = 1;
        while (i < text.Length)
        {
            if (text[i] is '\n' or '\r')
            {
                // A blank line.
                i += text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
                column = 1;
                continue;
            }

            int recordLine = line;
            var fields = new List<Field>();
            while (true)
            {
                int fieldLine = line;
                int fieldColumn = column;
                string value;
                if (i < text.Length && text[i] == '"')
                {
                    var sb = new StringBuilder();
                    i++;
                    column++;
                    while (true)
                    {
                        if (i >= text.Length)
                        {
                            throw new DataFormatException(
                                source, Invariant.F($"line {fieldLine}, column {fieldColumn}"), "Expected a closing double quote for the quoted field that starts here, but the file ends first.");
                        }

                        char c = text[i++];
                        if (c == '"')
                        {
                            if (i < text.Length && text[i] == '"')
                            {
                                sb.Append('"');
                                i++;
                                column += 2;
                                continue;
                            }

                            column++;
                            break;
                        }

                        sb.Append(c);
                        (line, column) = c == '\n' ? (line + 1, 1) : (line, column + 1);
                    }

                    value = sb.ToString();
                    if (i < text.Length && text[i] != separator && text[i] is not ('\n' or '\r'))
                    {
                        throw new DataFormatException(
                            source, Invariant.F($"line {line}, column {column}"), $"Expected '{separator}' or the end of the line after a quoted field but found '{text[i]}'.");
                    }
                }
                else
                {
                    int start = i;
                    while (i < text.Length && text[i] != separator && text[i] is not ('\n' or '\r'))
                    {
                        i++;
                    }

                    value = text[start..i];
                    column += i - start;
                }

                fields.Add(new Field(value, fieldLine, fieldColumn, column));
                if (i < text.Length && text[i] == separator)
                {
                    i++;
                    column++;
                    continue;
                }

                i += i < text.Length && text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : (i < text.Length ? 1 : 0);
                line++;
                column = 1;
                break;
            }

            yield return (recordLine, fields);
        }
    }

    /// <summary>One field: its text (unquoted), where it starts, and the column just past its end.</summary>
    private sealed record Field(string Text, int Line, int Column, int EndColumn);
}
