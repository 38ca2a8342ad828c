namespace TransferLearning.Data;

/// <summary>How <see cref="CsvReader"/> reads a CSV file: header, label column, separator, class list. Validated as set.</summary>
public sealed record CsvOptions
{
    private readonly char _separator = ',';
    private readonly int? _labelColumnIndex;
    private readonly int? _classCount;
    private readonly string[]? _classNames;

    /// <summary>Gets a value indicating whether the first row names the columns.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HasHeader { get; init; } = true;

    /// <summary>Gets the name (in the header) of the column holding the labels; needs <see cref="HasHeader"/>.</summary>
    /// <value>The default is <see langword="null"/>: the label column is <see cref="LabelColumnIndex"/>, or else the last column.</value>
    public string? LabelColumn { get; init; }

    /// <summary>Gets the 0-based index of the column holding the labels (used when <see cref="LabelColumn"/> is <see langword="null"/>).</summary>
    /// <value>The default is <see langword="null"/>: the last column.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? LabelColumnIndex
    {
        get => _labelColumnIndex;
        init
        {
            if (value is int index)
            {
                Guard.AtLeast(index, 0, nameof(LabelColumnIndex));
            }

            _labelColumnIndex = value;
        }
    }

    /// <summary>Gets the field separator.</summary>
    /// <value>The default is <c>','</c>; <c>';'</c> and <c>'\t'</c> are common too.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is a double quote, a carriage return or a line feed.</exception>
    public char Separator
    {
        get => _separator;
        init
        {
            if (value is '"' or '\r' or '\n')
            {
                throw new ArgumentOutOfRangeException(
                    nameof(Separator), value, $"Expected a separator other than a double quote or a line break but got U+{(int)value:X4}.");
            }

            _separator = value;
        }
    }

    /// <summary>Gets the number of classes for integer labels; every label must then lie in <c>[0, ClassCount)</c>.</summary>
    /// <value>The default is <see langword="null"/>: the largest label + 1 (ignored for text labels, whose classes are the distinct texts). With <see cref="ClassNames"/> it must be <see langword="null"/> or equal its count.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? ClassCount
    {
        get => _classCount;
        init
        {
            if (value is int count)
            {
                Guard.AtLeast(count, 1, nameof(ClassCount));
            }

            _classCount = value;
        }
    }

    /// <summary>
    /// Gets the class list, fixed: label text <c>ClassNames[k]</c> is class <c>k</c> in every file read with these
    /// options. Take it from the training set (<c>new CsvOptions { LabelColumn = "species", ClassNames = train.ClassNames }</c>)
    /// to read a validation or test file, so that a class has the same index in both.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: the classes are found in the file itself — integer labels are the
    /// classes, distinct texts are numbered in ordinal order. That numbering depends on which texts the file holds
    /// (a file with {bird, cat, dog} makes cat 1, one with {cat, dog} makes it 0), so read a second file with the
    /// first one's <see cref="Dataset.ClassNames"/>. With a list, every label is looked up by name (trimmed,
    /// ordinal); a label not in the list is a <see cref="DataFormatException"/> naming the file, the line and the label.
    /// </value>
    /// <exception cref="ArgumentException">The list is empty, holds a null, empty or blank name, or holds a name twice.</exception>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        init
        {
            if (value is not null)
            {
                if (value.Count == 0)
                {
                    throw new ArgumentException("Expected at least one class name but the list is empty.", nameof(ClassNames));
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < value.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(value[i]))
                    {
                        throw new ArgumentException(Invariant.F($"Expected a non-empty name for every class but class {i} is {(value[i] is null ? "null" : "'" + value[i] + "'")}."), nameof(ClassNames));
                    }

                    if (!seen.Add(value[i].Trim()))
                    {
                        throw new ArgumentException(Invariant.F($"Expected distinct class names but '{value[i]}' appears twice (class {i})."), nameof(ClassNames));
                    }
                }
            }

            _classNames = value?.Select(name => name.Trim()).ToArray();
        }
    }
}
