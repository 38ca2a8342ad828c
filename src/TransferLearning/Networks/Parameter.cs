using MathNet.Numerics.LinearAlgebra;

namespace TransferLearning.Networks;

/// <summary>
/// A trainable tensor of a network: its value, its gradient, and whether it trains.
/// </summary>
/// <remarks>
/// Values are stored column-major (MathNet's layout): a weight <c>W[l]</c> of shape
/// <c>n[l] × n[l-1]</c> keeps element (i, j) at index <c>j·n[l] + i</c>; a bias <c>b[l]</c> is an
/// <c>n[l] × 1</c> column. Every parameter has a stable dotted <see cref="Name"/>
/// (<c>layers.0.weight</c>, <c>layers.0.bias</c>) that saving, loading, transfer and optimiser state key on.
/// A frozen parameter is never updated by any optimiser: no step, no momentum, no weight decay.
/// </remarks>
public sealed class Parameter
{
    private int _version;

    internal Parameter(string localName, int rows, int columns, float[] data)
    {
        Name = localName;
        LocalName = localName;
        Rows = rows;
        Columns = columns;
        Data = data;
        Gradient = new float[data.Length];
    }

    /// <summary>Gets the stable dotted name, such as <c>layers.1.weight</c>.</summary>
    public string Name { get; internal set; }

    /// <summary>The name within its layer (<c>weight</c>, <c>running_mean</c>): the last part of <see cref="Name"/>.</summary>
    internal string LocalName { get; }

    /// <summary>Gets the number of rows (<c>n[l]</c> for both weight and bias).</summary>
    public int Rows { get; }

    /// <summary>Gets the number of columns (<c>n[l-1]</c> for a weight, 1 for a bias).</summary>
    public int Columns { get; }

    /// <summary>Gets the number of scalar values, <c>Rows × Columns</c>.</summary>
    public int Length => Data.Length;

    /// <summary>
    /// Gets or sets a value indicating whether the parameter is frozen. A frozen parameter receives no
    /// gradient and no update; it stays bit-for-bit unchanged through training. Freezing clears
    /// <see cref="Gradients"/>, so that a frozen parameter's gradient reads as all zero.
    /// </summary>
    public bool IsFrozen
    {
        get;
        set
        {
            field = value;
            if (value)
            {
                Array.Clear(Gradient);
            }
        }
    }

    /// <summary>Gets the current values, column-major, without copying.</summary>
    public ReadOnlySpan<float> Values => Data;

    /// <summary>Gets the gradient of the last backward pass, column-major (all zero for a frozen parameter).</summary>
    public ReadOnlySpan<float> Gradients => Gradient;

    /// <summary>The values. Whoever writes them must call <see cref="MarkChanged"/> afterwards.</summary>
    internal float[] Data { get; }

    /// <summary>
    /// Counts writes to <see cref="Data"/> (optimiser steps, <see cref="SetValues"/>, restored checkpoints, running
    /// statistics), so that layouts derived from the values (the packed weights of inference) are rebuilt only
    /// when they change.
    /// </summary>
    internal int Version => Volatile.Read(ref _version);

    internal float[] Gradient { get; }

    /// <summary>Returns a copy of the values as a <c>Rows × Columns</c> matrix.</summary>
    /// <returns>A new matrix; changing it does not change the parameter.</returns>
    public Matrix<float> ToMatrix() => Matrix<float>.Build.Dense(Rows, Columns, (float[])Data.Clone());

    /// <summary>Overwrites the values with those of <paramref name="values"/>.</summary>
    /// <param name="values">A <c>Rows × Columns</c> matrix of finite values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The shape differs from this parameter's, or a value is NaN or infinite.</exception>
    public void SetValues(Matrix<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.RowCount != Rows || values.ColumnCount != Columns)
        {
            throw new ArgumentException(
                $"Expected a {Rows} × {Columns} matrix for parameter '{Name}' but got {values.RowCount} × {values.ColumnCount}.",
                nameof(values));
        }

        var copy = values.ToColumnMajorArray();
        Guard.AllFinite(copy, nameof(values));
        copy.CopyTo(Data, 0);
        MarkChanged();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} [{Rows} × {Columns}]{(IsFrozen ? " frozen" : string.Empty)}";

    /// <summary>Records that <see cref="Data"/> was written.</summary>
    internal void MarkChanged() => Interlocked.Increment(ref _version);

    /// <summary>A deep copy with the same name and freezing.</summary>
    internal Parameter Clone() =>
        new(LocalName, Rows, Columns, (float[])Data.Clone()) { Name = Name, IsFrozen = IsFrozen };
}
