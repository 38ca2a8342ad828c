using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace TransferLearning.Data;

/// <summary>
/// A set of examples as columns: features <c>X</c> (<c>n_x × m</c>) with either integer class labels
/// (classification) or a target matrix <c>Y</c> (<c>n_y × m</c>, regression or multi-label).
/// </summary>
/// <remarks>
/// <para>
/// Build one from a MathNet matrix with examples as columns (<see cref="ForClassification(Matrix{float}, IReadOnlyList{int}, int?)"/>),
/// from row-major arrays with one example per row — the layout of a CSV file or scikit-learn's <c>X</c>, no
/// transpose needed (<see cref="ForClassification(float[,], IReadOnlyList{int}, int?)"/> and its overloads) — or
/// read one with <see cref="IdxReader"/>, <see cref="CsvReader"/> or <see cref="FashionMnist"/>.
/// Splits, class filters, relabelling, per-class and ratio sampling all take a seed and are reproducible.
/// </para>
/// <para>
/// The factories validate everything once — shape, finiteness, label range — so that training never
/// meets garbage. They copy what they are given, and the set hands out copies (<see cref="Features"/>,
/// <see cref="Targets"/>) or read-only views (<see cref="FeatureValues"/>, <see cref="Labels"/>): a set never
/// changes after it is made, whatever the caller does with its arrays.
/// </para>
/// </remarks>
public sealed partial class Dataset
{
    private readonly float[] _features;
    private readonly int[]? _labels;
    private readonly float[]? _targets;
    private readonly string[]? _classNames;

    /// <summary>The largest class count inferred from labels (largest label + 1); a larger one must be given explicitly. The readers hold their files to it too.</summary>
    internal const int MaxInferredClassCount = 1 << 24;

    private Dataset(float[] features, int featureCount, int count, int[]? labels, int classCount, float[]? targets, int targetCount, string[]? classNames = null)
    {
        _classNames = classNames;
        _features = features;
        FeatureCount = featureCount;
        Count = count;
        _labels = labels;
        ClassCount = classCount;
        _targets = targets;
        TargetCount = targetCount;
    }

    /// <summary>Gets <c>n_x</c>, the number of features (rows of <c>X</c>).</summary>
    public int FeatureCount { get; }

    /// <summary>Gets <c>m</c>, the number of examples (columns of <c>X</c>).</summary>
    public int Count { get; }

    /// <summary>Gets the number of classes for a classification set; 0 for a regression set.</summary>
    public int ClassCount { get; }

    /// <summary>Gets <c>n_y</c> for a regression set; 0 for a classification set.</summary>
    public int TargetCount { get; }

    /// <summary>Gets a value indicating whether the set has class labels.</summary>
    public bool IsClassification => _labels is not null;

    /// <summary>
    /// Gets the name of each class (index = label), or <see langword="null"/> when the set has none
    /// (see <see cref="WithClassNames"/>). Subsets keep the names; <c>WhereClasses</c> keeps those of the classes it keeps.
    /// </summary>
    public IReadOnlyList<string>? ClassNames => _classNames is null ? null : Array.AsReadOnly(_classNames);

    /// <summary>Gets the class labels, one per example (empty for a regression set), as a read-only view.</summary>
    public IReadOnlyList<int> Labels => _labels is null ? [] : Array.AsReadOnly(_labels);

    /// <summary>
    /// Gets the features, column-major (<c>n_x × m</c>: example <c>j</c> is the values
    /// <c>[j·n_x, (j + 1)·n_x)</c>), as a read-only view of the set's storage: no copy.
    /// </summary>
    public ReadOnlyMemory<float> FeatureValues => _features;

    /// <summary>Gets a copy of the features as a new <c>n_x × m</c> matrix (changing it does not change the set; <see cref="FeatureValues"/> reads them without a copy).</summary>
    public Matrix<float> Features =>
        Matrix<float>.Build.Dense(FeatureCount, Count, (float[])_features.Clone());

    /// <summary>Gets a copy of the regression targets as a new <c>n_y × m</c> matrix, or <see langword="null"/> for a classification set.</summary>
    public Matrix<float>? Targets => _targets is null ? null : Matrix<float>.Build.Dense(TargetCount, Count, (float[])_targets.Clone());

    internal ReadOnlySpan<float> FeatureData => _features;

    /// <summary>The feature storage itself, for sets made internally (never for a caller's matrix).</summary>
    internal float[] MutableFeatures => _features;

    internal int[]? LabelArray => _labels;

    internal float[]? TargetArray => _targets;

    /// <summary>Creates a classification set.</summary>
    /// <param name="features"><c>X</c>, <c>n_x × m</c> with <c>m ≥ 1</c>, every value finite.</param>
    /// <param name="labels">One label per column, each in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes, at least 1; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The set is empty, the label count differs from the column count, or a feature is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classCount)</c>, or <paramref name="classCount"/> is less than 1.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their features (matrix, rectangular, jagged or row-major span), each with the one optional classCount; a later setting goes into a new overload, never into a new optional parameter.")]
    public static Dataset ForClassification(Matrix<float> features, IReadOnlyList<int> labels, int? classCount = null) =>
        Classification(features, labels, classCount, copy: true);

    /// <summary>Creates a regression (or multi-label) set.</summary>
    /// <param name="features"><c>X</c>, <c>n_x × m</c> with <c>m ≥ 1</c>, every value finite.</param>
    /// <param name="targets"><c>Y</c>, <c>n_y × m</c>, every value finite.</param>
    /// <returns>The set (the values are copied).</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The set is empty, the column counts differ, or a value is NaN or infinite.</exception>
    public static Dataset ForRegression(Matrix<float> features, Matrix<float> targets) =>
        Regression(features, targets, copy: true);

    /// <summary>A classification set over <paramref name="features"/>, copied unless the caller made it for this set alone.</summary>
    private static Dataset Classification(Matrix<float> features, IReadOnlyList<int> labels, int? classCount, bool copy)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var x = ValidatedFeatures(features, copy);
        if (labels.Count != features.ColumnCount)
        {
            throw new ArgumentException(
                $"Expected one label per example: {features.ColumnCount} labels but got {labels.Count}.", nameof(labels));
        }

        var y = labels.ToArray();
        // Inferred from the labels, at least 1: negative labels are then reported as bad labels, not as a bad classCount.
        // The largest label + 1, computed in long: int.MaxValue + 1 would wrap to a negative count.
        long inferred = Math.Max((long)y.Max() + 1, 1);
        if (classCount is null && inferred > MaxInferredClassCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(labels),
                y.Max(),
                Invariant.F($"Expected labels below {MaxInferredClassCount} when the class count is inferred (largest label + 1) but the largest label is {y.Max()}: pass classCount, or number the classes from 0."));
        }

        int classes = classCount ?? (int)inferred;
        Guard.AtLeast(classes, 1, nameof(classCount));
        for (int i = 0; i < y.Length; i++)
        {
            if ((uint)y[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels),
                    y[i],
                    string.Create(CultureInfo.InvariantCulture, $"Expected labels in [0, {classes}) but label {i} is {y[i]}."));
            }
        }

        return new Dataset(x, features.RowCount, features.ColumnCount, y, classes, null, 0);
    }

    /// <summary>A regression set over <paramref name="features"/>, copied unless the caller made it for this set alone.</summary>
    private static Dataset Regression(Matrix<float> features, Matrix<float> targets, bool copy)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var x = ValidatedFeatures(features, copy);
        if (targets.ColumnCount != features.ColumnCount)
        {
            throw new ArgumentException(
                $"Expected one target column per example: {features.ColumnCount} columns but got {targets.ColumnCount}.", nameof(targets));
        }

        var y = targets.ToColumnMajorArray();
        Guard.AllFiniteExamples(y, nameof(targets), targets.RowCount, "target");
        return new Dataset(x, features.RowCount, features.ColumnCount, null, 0, y, targets.RowCount);
    }

    /// <summary>Returns the number of examples of each class (empty for a regression set).</summary>
    /// <returns>An array of length <see cref="ClassCount"/>.</returns>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in _labels ?? [])
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>Returns a new set of the examples at <paramref name="indices"/> (copied, in that order).</summary>
    /// <param name="indices">Indices in <c>[0, Count)</c>; at least one.</param>
    /// <returns>The subset, with the same class count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="indices"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0)
        {
            throw new ArgumentException("Expected at least one index but got none.", nameof(indices));
        }

        int n = FeatureCount;
        var x = new float[n * indices.Count];
        int[]? labels = _labels is null ? null : new int[indices.Count];
        float[]? targets = _targets is null ? null : new float[TargetCount * indices.Count];
        for (int j = 0; j < indices.Count; j++)
        {
            int src = indices[j];
            if ((uint)src >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), src, string.Create(CultureInfo.InvariantCulture, $"Expected indices in [0, {Count}) but index {j} is {src}."));
            }

            _features.AsSpan(src * n, n).CopyTo(x.AsSpan(j * n, n));
            if (labels is not null)
            {
                labels[j] = _labels![src];
            }

            if (targets is not null)
            {
                _targets.AsSpan(src * TargetCount, TargetCount).CopyTo(targets.AsSpan(j * TargetCount, TargetCount));
            }
        }

        return new Dataset(x, n, indices.Count, labels, ClassCount, targets, TargetCount, _classNames);
    }

    /// <summary>A set over column-major arrays the caller made for it alone and has already checked (a source's examples read into memory).</summary>
    internal static Dataset FromColumns(float[] features, int featureCount, int count, int[]? labels, int classCount, float[]? targets, int targetCount, IReadOnlyList<string>? classNames) =>
        new(features, featureCount, count, labels, classCount, targets, targetCount, classNames?.ToArray());

    /// <summary>Returns a copy with features replaced by <paramref name="features"/> (same examples, same labels or targets).</summary>
    internal Dataset WithFeatures(float[] features, int featureCount) =>
        new(features, featureCount, Count, _labels, ClassCount, _targets, TargetCount, _classNames);

    /// <inheritdoc />
    public override string ToString() => IsClassification
        ? string.Create(CultureInfo.InvariantCulture, $"Dataset({Count:N0} examples × {FeatureCount} features, {ClassCount} classes)")
        : string.Create(CultureInfo.InvariantCulture, $"Dataset({Count:N0} examples × {FeatureCount} features, {TargetCount} targets)");

    /// <summary>Fisher–Yates shuffle in place (see <see cref="Strata.Shuffle(int[], Random)"/>).</summary>
    internal static void Shuffle(int[] items, Random random) => Strata.Shuffle(items, random);

    /// <summary>The column-major values of <paramref name="features"/>, checked; a copy unless <paramref name="copy"/> is false (a matrix made for this set alone).</summary>
    private static float[] ValidatedFeatures(Matrix<float> features, bool copy)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ColumnCount == 0 || features.RowCount == 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected at least one example with at least one feature but got {features.ColumnCount} examples of {features.RowCount} features."),
                nameof(features));
        }

        var x = !copy && features.Storage is DenseColumnMajorMatrixStorage<float> dense ? dense.Data : features.ToColumnMajorArray();
        Guard.AllFiniteExamples(x, nameof(features), features.RowCount);
        return x;
    }

    /// <summary>The index of the first largest label (0 for an empty list): where a reader reports an inferred class count that is too large.</summary>
    internal static int IndexOfLargest(ReadOnlySpan<int> labels)
    {
        int at = 0;
        for (int i = 1; i < labels.Length; i++)
        {
            at = labels[i] > labels[at] ? i : at;
        }

        return at;
    }
}
