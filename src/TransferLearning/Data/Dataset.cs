using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace TransferLearning.Data;

/// <summary>
/// A set of examples as columns: features <c>X</c> (<c>n_x × m</c>) with either integer class labels
/// (classification) or a target matrix <c>Y</c> (<c>n_y × m</c>, regression or multi-label).
/// </summary>
/// <remarks>
/// The factories validate everything once — shape, finiteness, label range — so that training never
/// meets garbage. A dense feature matrix is used without copying: do not modify it afterwards.
/// </remarks>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly int[]? _labels;
    private readonly float[]? _targets;

    private Dataset(float[] features, int featureCount, int count, int[]? labels, int classCount, float[]? targets, int targetCount)
    {
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

    /// <summary>Gets the class labels, one per example (empty for a regression set).</summary>
    public IReadOnlyList<int> Labels => _labels ?? [];

    /// <summary>Gets the features as a matrix that shares this set's storage (<c>n_x × m</c>); do not modify it.</summary>
    public Matrix<float> Features =>
        Matrix<float>.Build.Dense(FeatureCount, Count, _features);

    /// <summary>Gets the regression targets (<c>n_y × m</c>), or <see langword="null"/> for a classification set.</summary>
    public Matrix<float>? Targets => _targets is null ? null : Matrix<float>.Build.Dense(TargetCount, Count, _targets);

    internal ReadOnlySpan<float> FeatureData => _features;

    /// <summary>The feature storage itself, for sets made internally (never for a caller's matrix).</summary>
    internal float[] MutableFeatures => _features;

    internal int[]? LabelArray => _labels;

    internal float[]? TargetArray => _targets;

    /// <summary>Creates a classification set.</summary>
    /// <param name="features"><c>X</c>, <c>n_x × m</c> with <c>m ≥ 1</c>, every value finite.</param>
    /// <param name="labels">One label per column, each in <c>[0, classCount)</c>.</param>
    /// <param name="classCount">The number of classes, at least 1; <see langword="null"/> (the default) means the largest label + 1.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The set is empty, the label count differs from the column count, or a feature is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside <c>[0, classCount)</c>, or <paramref name="classCount"/> is less than 1.</exception>
    public static Dataset ForClassification(Matrix<float> features, IReadOnlyList<int> labels, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var x = ValidatedFeatures(features);
        if (labels.Count != features.ColumnCount)
        {
            throw new ArgumentException(
                $"Expected one label per example: {features.ColumnCount} labels but got {labels.Count}.", nameof(labels));
        }

        var y = labels.ToArray();
        // Inferred from the labels, at least 1: negative labels are then reported as bad labels, not as a bad classCount.
        int classes = classCount ?? Math.Max(y.Max() + 1, 1);
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

    /// <summary>Creates a regression (or multi-label) set.</summary>
    /// <param name="features"><c>X</c>, <c>n_x × m</c> with <c>m ≥ 1</c>, every value finite.</param>
    /// <param name="targets"><c>Y</c>, <c>n_y × m</c>, every value finite.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The set is empty, the column counts differ, or a value is NaN or infinite.</exception>
    public static Dataset ForRegression(Matrix<float> features, Matrix<float> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var x = ValidatedFeatures(features);
        if (targets.ColumnCount != features.ColumnCount)
        {
            throw new ArgumentException(
                $"Expected one target column per example: {features.ColumnCount} columns but got {targets.ColumnCount}.", nameof(targets));
        }

        var y = targets.ToColumnMajorArray();
        Guard.AllFinite(y, nameof(targets), targets.RowCount);
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

        return new Dataset(x, n, indices.Count, labels, ClassCount, targets, TargetCount);
    }

    /// <summary>
    /// Splits the set in two at random; for a classification set the split is stratified, so that each
    /// class keeps its share on both sides (every class with at least two examples appears on both sides).
    /// </summary>
    /// <param name="firstFraction">The share of examples in the first part, in (0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The two parts; both non-empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The set has fewer than 2 examples.</exception>
    public (Dataset First, Dataset Second) Split(double firstFraction, int seed)
    {
        Guard.Fraction(firstFraction, nameof(firstFraction));
        if (Count < 2)
        {
            throw new InvalidOperationException($"Cannot split a set of {Count} example(s) in two.");
        }

        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var first = new List<int>();
        var second = new List<int>();
        IEnumerable<IEnumerable<int>> strata = _labels is null
            ? [Enumerable.Range(0, Count)]
            : Enumerable.Range(0, Count).GroupBy(i => _labels[i]).OrderBy(g => g.Key).Select(g => (IEnumerable<int>)g);
        foreach (var stratum in strata)
        {
            var items = stratum.ToArray();
            Shuffle(items, random);
            int take = (int)Math.Round(items.Length * firstFraction);
            if (items.Length >= 2)
            {
                take = Math.Clamp(take, 1, items.Length - 1);
            }

            first.AddRange(items.Take(take));
            second.AddRange(items.Skip(take));
        }

        if (first.Count == 0 || second.Count == 0)
        {
            // Degenerate strata (every class has one example): fall back to a plain split.
            var all = Enumerable.Range(0, Count).ToArray();
            Shuffle(all, random);
            int take = Math.Clamp((int)Math.Round(Count * firstFraction), 1, Count - 1);
            return (Subset(all[..take]), Subset(all[take..]));
        }

        return (Subset(first), Subset(second));
    }

    /// <summary>
    /// Splits the set into <paramref name="folds"/> stratified folds for cross-validation: every example is
    /// held out exactly once, and each class is spread evenly over the folds.
    /// </summary>
    /// <param name="folds">The number of folds, from 2 to <see cref="Count"/>.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>For each fold, the training part (all other folds) and the held-out part.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than <see cref="Count"/>.</exception>
    public IReadOnlyList<(Dataset Train, Dataset Holdout)> StratifiedFolds(int folds, int seed)
    {
        if (folds < 2 || folds > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Expected between 2 and {Count} folds (the number of examples) but got {folds}.");
        }

        var assignment = StratifiedFoldAssignment(folds, seed);
        var result = new List<(Dataset, Dataset)>(folds);
        for (int f = 0; f < folds; f++)
        {
            var holdout = Enumerable.Range(0, Count).Where(i => assignment[i] == f).ToArray();
            var train = Enumerable.Range(0, Count).Where(i => assignment[i] != f).ToArray();
            result.Add((Subset(train), Subset(holdout)));
        }

        return result;
    }

    /// <summary>The fold (in <c>[0, folds)</c>) of each example: each class dealt round-robin over the folds after a seeded shuffle.</summary>
    internal int[] StratifiedFoldAssignment(int folds, int seed)
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var assignment = new int[Count];
        int next = 0;
        IEnumerable<int[]> strata = _labels is null
            ? [Enumerable.Range(0, Count).ToArray()]
            : Enumerable.Range(0, Count).GroupBy(i => _labels[i]).OrderBy(g => g.Key).Select(g => g.ToArray());
        foreach (var stratum in strata)
        {
            Shuffle(stratum, random);
            foreach (int i in stratum)
            {
                assignment[i] = next;
                next = (next + 1) % folds;
            }
        }

        return assignment;
    }

    /// <summary>Returns a random subset with at most <paramref name="perClass"/> examples of each class.</summary>
    /// <param name="perClass">The number of examples to keep per class, at least 1.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <returns>The subset, ordered by class then draw.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
    public Dataset TakePerClass(int perClass, int seed)
    {
        Guard.AtLeast(perClass, 1, nameof(perClass));
        if (_labels is null)
        {
            throw new InvalidOperationException("TakePerClass needs a classification set; this one has regression targets.");
        }

        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var chosen = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => _labels[i]).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            Shuffle(items, random);
            chosen.AddRange(items.Take(perClass));
        }

        return Subset(chosen);
    }

    /// <summary>Returns a copy with features replaced by <paramref name="features"/> (same examples, same labels or targets).</summary>
    internal Dataset WithFeatures(float[] features, int featureCount) =>
        new(features, featureCount, Count, _labels, ClassCount, _targets, TargetCount);

    /// <inheritdoc />
    public override string ToString() => IsClassification
        ? string.Create(CultureInfo.InvariantCulture, $"Dataset({Count:N0} examples × {FeatureCount} features, {ClassCount} classes)")
        : string.Create(CultureInfo.InvariantCulture, $"Dataset({Count:N0} examples × {FeatureCount} features, {TargetCount} targets)");

    internal static void Shuffle(int[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static float[] ValidatedFeatures(Matrix<float> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ColumnCount == 0 || features.RowCount == 0)
        {
            throw new ArgumentException(
                $"Expected at least one example with at least one feature but got a {features.RowCount} × {features.ColumnCount} matrix.",
                nameof(features));
        }

        var x = features.Storage is DenseColumnMajorMatrixStorage<float> dense ? dense.Data : features.ToColumnMajorArray();
        Guard.AllFinite(x, nameof(features), features.RowCount);
        return x;
    }
}
