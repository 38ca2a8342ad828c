namespace TransferLearning.Data;

/// <summary>How <see cref="CsvReader"/> reads a CSV file: header, label column, separator. Validated as set.</summary>
public sealed record CsvOptions
{
    private readonly char _separator = ',';
    private readonly int? _labelColumnIndex;
    private readonly int? _classCount;

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
    /// <value>The default is <see langword="null"/>: the largest label + 1 (ignored for text labels, whose classes are the distinct texts).</value>
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
}
