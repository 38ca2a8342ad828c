using MathNet.Numerics.LinearAlgebra;

namespace TransferLearning.Data;

/// <summary>
/// Factories from row-major arrays — one example per row, one feature per column, as in a CSV file or
/// scikit-learn's <c>X</c>. No transpose is needed: a row-major <c>m × n_x</c> block is already the
/// column-major <c>n_x × m</c> block the set stores, so the values are copied once, as they are.
/// </summary>
public sealed partial class Dataset
{
    /// <summary>Creates a classification set from a rectangular array with one example per row.</summary>
    /// <param name="rows"><c>m × n_x</c>: row <c>j</c> holds the features of example <c>j</c>; every value finite.</param>
    /// <param name="labels">One label per row, each in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The array is empty, the label count differs from the row count, or a value is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range, or <paramref name="classCount"/> is less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their features (matrix, rectangular, jagged or row-major span), each with the one optional classCount; a later setting goes into a new overload, never into a new optional parameter.")]
    public static Dataset ForClassification(float[,] rows, IReadOnlyList<int> labels, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Classification(Columns(rows), labels, classCount, copy: false);
    }

    /// <summary>Creates a classification set from jagged rows, one example per row, all of one length.</summary>
    /// <param name="rows">One array of features per example, all of the same length; every value finite.</param>
    /// <param name="labels">One label per row, each in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument or a row is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no rows, rows differ in length, the label count differs from the row count, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range, or <paramref name="classCount"/> is less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their features (matrix, rectangular, jagged or row-major span), each with the one optional classCount; a later setting goes into a new overload, never into a new optional parameter.")]
    public static Dataset ForClassification(float[][] rows, IReadOnlyList<int> labels, int? classCount = null) =>
        Classification(Columns(rows, nameof(rows)), labels, classCount, copy: false);

    /// <summary>Creates a classification set from a row-major block of values: <paramref name="rowCount"/> examples of <paramref name="columnCount"/> features.</summary>
    /// <param name="rowMajor">The values, example after example (length <c>rowCount × columnCount</c>).</param>
    /// <param name="rowCount">The number of examples <c>m</c>, at least 1.</param>
    /// <param name="columnCount">The number of features <c>n_x</c>, at least 1.</param>
    /// <param name="labels">One label per example, each in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The length is not <c>rowCount × columnCount</c>, the label count differs from <paramref name="rowCount"/>, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is less than 1, a label is out of range, or <paramref name="classCount"/> is less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their features (matrix, rectangular, jagged or row-major span), each with the one optional classCount; a later setting goes into a new overload, never into a new optional parameter.")]
    public static Dataset ForClassification(ReadOnlySpan<float> rowMajor, int rowCount, int columnCount, IReadOnlyList<int> labels, int? classCount = null) =>
        Classification(Columns(rowMajor, rowCount, columnCount, nameof(rowMajor)), labels, classCount, copy: false);

    /// <summary>
    /// A classification set that takes <paramref name="rowMajor"/> as its storage, without a copy: for a reader that
    /// fills an array for this set alone and never touches it again (TransferLearning.MLNet's <c>IDataView</c> reader).
    /// Validated as <see cref="ForClassification(ReadOnlySpan{float}, int, int, IReadOnlyList{int}, int?)"/>.
    /// </summary>
    internal static Dataset ForClassificationTakingOwnership(float[] rowMajor, int rowCount, int columnCount, IReadOnlyList<int> labels, int? classCount) =>
        Classification(Owned(rowMajor, rowCount, columnCount), labels, classCount, copy: false);

    /// <summary>A regression set with one target per example that takes <paramref name="rowMajor"/> and <paramref name="targets"/> as its storage, without a copy.</summary>
    internal static Dataset ForRegressionTakingOwnership(float[] rowMajor, int rowCount, int columnCount, float[] targets) =>
        Regression(Owned(rowMajor, rowCount, columnCount), Matrix<float>.Build.Dense(1, targets.Length, targets), copy: false);

    /// <summary>Creates a regression set from rectangular arrays with one example per row.</summary>
    /// <param name="rows"><c>m × n_x</c> features, one example per row; every value finite.</param>
    /// <param name="targets"><c>m × n_y</c> targets, one example per row; every value finite.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An array is empty, the row counts differ, or a value is NaN or infinite.</exception>
    public static Dataset ForRegression(float[,] rows, float[,] targets)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        return Regression(Columns(rows), Columns(targets), copy: false);
    }

    /// <summary>Creates a regression set with one target per example from a rectangular array with one example per row.</summary>
    /// <param name="rows"><c>m × n_x</c> features, one example per row; every value finite.</param>
    /// <param name="targets">One target per row; every value finite.</param>
    /// <returns>The set (<c>n_y = 1</c>; the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An array is empty, the counts differ, or a value is NaN or infinite.</exception>
    public static Dataset ForRegression(float[,] rows, float[] targets)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(targets);
        return Regression(Columns(rows), Matrix<float>.Build.Dense(1, targets.Length, (float[])targets.Clone()), copy: false);
    }

    /// <summary>Creates a regression set from jagged rows of features and of targets, one example per row.</summary>
    /// <param name="rows">One array of features per example, all of the same length; every value finite.</param>
    /// <param name="targets">One array of targets per example, all of the same length; every value finite.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument or a row is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no rows, rows differ in length, the row counts differ, or a value is not finite.</exception>
    public static Dataset ForRegression(float[][] rows, float[][] targets) =>
        Regression(Columns(rows, nameof(rows)), Columns(targets, nameof(targets)), copy: false);

    /// <summary>The row-major array as an <c>n_x × m</c> column-major matrix: the same sequence of values.</summary>
    private static Matrix<float> Columns(float[,] rows)
    {
        int m = rows.GetLength(0);
        int n = rows.GetLength(1);
        var values = new float[rows.Length];
        Buffer.BlockCopy(rows, 0, values, 0, rows.Length * sizeof(float));
        return Matrix<float>.Build.Dense(n, m, values);
    }

    private static Matrix<float> Columns(float[][] rows, string paramName)
    {
        ArgumentNullException.ThrowIfNull(rows, paramName);
        if (rows.Length == 0)
        {
            throw new ArgumentException("Expected at least one row but got none.", paramName);
        }

        ArgumentNullException.ThrowIfNull(rows[0], paramName);
        int n = rows[0].Length;
        var values = new float[(long)rows.Length * n];
        for (int j = 0; j < rows.Length; j++)
        {
            var row = rows[j] ?? throw new ArgumentNullException(paramName, Invariant.F($"Expected a row of {n} values but row {j} is null."));
            if (row.Length != n)
            {
                throw new ArgumentException(Invariant.F($"Expected every row to have {n} values, as row 0 has, but row {j} has {row.Length}."), paramName);
            }

            row.CopyTo(values, (long)j * n);
        }

        return Matrix<float>.Build.Dense(n, rows.Length, values);
    }

    private static Matrix<float> Owned(float[] rowMajor, int rowCount, int columnCount)
    {
        ArgumentNullException.ThrowIfNull(rowMajor);
        Guard.AtLeast(rowCount, 1, nameof(rowCount));
        Guard.AtLeast(columnCount, 1, nameof(columnCount));
        if ((long)rowCount * columnCount != rowMajor.Length)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {rowCount} × {columnCount} = {(long)rowCount * columnCount} values but got {rowMajor.Length}."), nameof(rowMajor));
        }

        return Matrix<float>.Build.Dense(columnCount, rowCount, rowMajor);
    }

    private static Matrix<float> Columns(ReadOnlySpan<float> rowMajor, int rowCount, int columnCount, string paramName)
    {
        Guard.AtLeast(rowCount, 1, nameof(rowCount));
        Guard.AtLeast(columnCount, 1, nameof(columnCount));
        if ((long)rowCount * columnCount != rowMajor.Length)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {rowCount} × {columnCount} = {(long)rowCount * columnCount} values but got {rowMajor.Length}."), paramName);
        }

        return Matrix<float>.Build.Dense(columnCount, rowCount, rowMajor.ToArray());
    }
}
