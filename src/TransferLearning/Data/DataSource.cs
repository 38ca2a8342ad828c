using System.Buffers;
using System.Globalization;
using MathNet.Numerics.Random;

namespace TransferLearning.Data;

/// <summary>
/// A set of examples that need not fit in memory: <see cref="Count"/> examples of <see cref="FeatureCount"/> features
/// with class labels or regression targets, read on demand a few examples at a time (<see cref="Gather"/>). Training
/// (<c>Trainer.Fit</c>), pretraining, transfer, evaluation and feature extraction accept one wherever they accept a
/// <see cref="Dataset"/>.
/// </summary>
/// <remarks>
/// <para>
/// Sources: <see cref="FromDataset(Dataset)"/> (a <see cref="Dataset"/> in memory, read through the same path as a
/// file), <see cref="NpySource"/> (memory-mapped NumPy <c>.npy</c> files, float32 or uint8 with a scale),
/// <see cref="IdxSource"/> (IDX files kept as stored), <see cref="CsvSource"/> (a CSV file read once as a stream
/// into a memory-mapped cache) and <see cref="ArrowSource"/> (an Apache Arrow IPC file read once, a record batch at a time,
/// into a memory-mapped cache). A source gathers examples as columns, as a <see cref="Dataset"/> stores them: the
/// features of example <c>indices[j]</c> go to <c>features[j·n_x, (j + 1)·n_x)</c>, converted to float32 there.
/// </para>
/// <para>
/// Views (<see cref="Subset(IReadOnlyList{int})"/>, <see cref="Split(double, int)"/>) share the source they view and
/// hold only their indices; disposing a view does not dispose the source. <see cref="Gather"/> may be called from
/// several threads at once (training gathers the next mini-batch on a background thread while the current one computes).
/// </para>
/// </remarks>
public abstract class DataSource : IDisposable
{
    /// <summary>The examples read per call when a whole source is scanned (labels, evaluation, materialising).</summary>
    internal const int ScanBlock = 4096;

    private readonly StoredExamples? _stored;
    private readonly IReadOnlyList<string>? _classNames;

    /// <summary>Creates a source of the given shape.</summary>
    /// <param name="count"><c>m</c>, the number of examples, at least 1.</param>
    /// <param name="featureCount"><c>n_x</c>, the features per example, at least 1.</param>
    /// <param name="classCount">The number of classes (at least 1) for class labels, or 0 for regression targets.</param>
    /// <param name="targetCount"><c>n_y</c>, the targets per example (at least 1) for regression, or 0 for class labels.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range: <paramref name="count"/> or <paramref name="featureCount"/> below 1, a negative class or target count.</exception>
    /// <exception cref="ArgumentException">Both or neither of <paramref name="classCount"/> and <paramref name="targetCount"/> are positive.</exception>
    protected DataSource(int count, int featureCount, int classCount, int targetCount)
    {
        Guard.AtLeast(count, 1, nameof(count));
        Guard.AtLeast(featureCount, 1, nameof(featureCount));
        Guard.AtLeast(classCount, 0, nameof(classCount));
        Guard.AtLeast(targetCount, 0, nameof(targetCount));
        if ((classCount > 0) == (targetCount > 0))
        {
            throw new ArgumentException(
                Invariant.F($"Expected either class labels (classCount ≥ 1, targetCount 0) or regression targets (classCount 0, targetCount ≥ 1) but got classCount {classCount} and targetCount {targetCount}."),
                nameof(classCount));
        }

        Count = count;
        FeatureCount = featureCount;
        ClassCount = classCount;
        TargetCount = targetCount;
    }

    /// <summary>Creates a source over examples stored in a file (the library's file sources).</summary>
    private protected DataSource(StoredExamples stored, int count, int featureCount, int classCount, int targetCount, IReadOnlyList<string>? classNames)
        : this(count, featureCount, classCount, targetCount)
    {
        _stored = stored;
        _classNames = classNames?.ToArray();
    }

    /// <summary>Gets <c>m</c>, the number of examples.</summary>
    public int Count { get; }

    /// <summary>Gets <c>n_x</c>, the number of features per example (the network's input size).</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of classes for class labels; 0 for regression targets.</summary>
    public int ClassCount { get; }

    /// <summary>Gets <c>n_y</c> for regression targets; 0 for class labels.</summary>
    public int TargetCount { get; }

    /// <summary>Gets a value indicating whether the examples have class labels (otherwise regression targets).</summary>
    public bool IsClassification => ClassCount > 0;

    /// <summary>Gets the name of each class (index = label), or <see langword="null"/> when the source has none.</summary>
    public virtual IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>Exposes a <see cref="Dataset"/> in memory as a source (no copy): training from it follows the streaming order of a file source, bit for bit.</summary>
    /// <param name="data">The set.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    public static DataSource FromDataset(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new DatasetSource(data);
    }

    /// <summary>
    /// Reads the examples at <paramref name="indices"/> into caller-owned buffers, as columns: example <c>indices[j]</c>'s
    /// features to <c>features[j·n_x, (j + 1)·n_x)</c>, its label to <c>labels[j]</c> or its targets to
    /// <c>targets[j·n_y, (j + 1)·n_y)</c>. An empty buffer is skipped (e.g. labels only, for sampling). Allocates nothing.
    /// </summary>
    /// <param name="indices">Example indices in <c>[0, Count)</c>, in any order, repeats allowed.</param>
    /// <param name="features">At least <c>indices.Length × FeatureCount</c> values, or empty.</param>
    /// <param name="labels">At least <c>indices.Length</c> values for a classification source, or empty.</param>
    /// <param name="targets">At least <c>indices.Length × TargetCount</c> values for a regression source, or empty.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="ArgumentException">A non-empty buffer is too small, or labels (targets) are asked of a regression (classification) source.</exception>
    /// <exception cref="DataFormatException">A value read is malformed (a non-finite feature or target, a label outside <c>[0, ClassCount)</c>): the example (and the file, for a file source) is named. A source derived by a user is checked here, after <see cref="GatherCore"/>.</exception>
    /// <exception cref="ObjectDisposedException">The source was disposed.</exception>
    public void Gather(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        int m = indices.Length;
        EnsureRoom(features.Length, (long)m * FeatureCount, nameof(features), "features");
        if (!labels.IsEmpty)
        {
            EnsureKind(IsClassification, nameof(labels), "labels", "regression targets");
            EnsureRoom(labels.Length, m, nameof(labels), "labels");
        }

        if (!targets.IsEmpty)
        {
            EnsureKind(!IsClassification, nameof(targets), "targets", "class labels");
            EnsureRoom(targets.Length, (long)m * TargetCount, nameof(targets), "targets");
        }

        for (int j = 0; j < m; j++)
        {
            if ((uint)indices[j] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), indices[j], Invariant.F($"Expected indices in [0, {Count}) but index {j} is {indices[j]}."));
            }
        }

        features = features.IsEmpty ? default : features[..(m * FeatureCount)];
        labels = labels.IsEmpty ? default : labels[..m];
        targets = targets.IsEmpty ? default : targets[..(m * TargetCount)];
        GatherCore(indices, features, labels, targets);
        if (!ChecksValues)
        {
            EnsureValid(indices, features, labels, targets);
        }
    }

    /// <summary>Gets a value indicating whether the source checks what it gathers itself (the library's sources: at open, or naming the file); otherwise <see cref="Gather"/> checks every value it returns.</summary>
    internal virtual bool ChecksValues => _stored is not null;

    /// <summary>Throws unless every feature and target gathered is finite and every label is in <c>[0, ClassCount)</c>: a source written by a user never hands training garbage.</summary>
    private void EnsureValid(ReadOnlySpan<int> indices, ReadOnlySpan<float> features, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        for (int j = 0; j < labels.Length; j++)
        {
            if ((uint)labels[j] >= (uint)ClassCount)
            {
                throw new DataFormatException(Invariant.F($"{GetType().Name}: expected labels in [0, {ClassCount}) but example {indices[j]} has label {labels[j]}."));
            }
        }

        EnsureFinite(indices, features, FeatureCount, "features");
        EnsureFinite(indices, targets, TargetCount, "targets");
    }

    /// <summary>
    /// Reads the examples at <paramref name="indices"/> (already checked to be in range) into buffers of exactly the right
    /// length, each empty when not wanted; see <see cref="Gather"/>. Called from several threads at once.
    /// </summary>
    /// <param name="indices">Example indices in <c>[0, Count)</c>.</param>
    /// <param name="features"><c>indices.Length × FeatureCount</c> values, or empty.</param>
    /// <param name="labels"><c>indices.Length</c> values, or empty.</param>
    /// <param name="targets"><c>indices.Length × TargetCount</c> values, or empty.</param>
    protected abstract void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets);

    /// <summary>Returns a view of the examples at <paramref name="indices"/>, in that order (the indices are copied; no example is read).</summary>
    /// <param name="indices">Indices in <c>[0, Count)</c>; at least one.</param>
    /// <returns>The view; disposing it leaves this source open.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="indices"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public DataSource Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0)
        {
            throw new ArgumentException("Expected at least one index but got none.", nameof(indices));
        }

        var copy = indices.ToArray();
        for (int j = 0; j < copy.Length; j++)
        {
            if ((uint)copy[j] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), copy[j], Invariant.F($"Expected indices in [0, {Count}) but index {j} is {copy[j]}."));
            }
        }

        return new SubsetSource(this, copy);
    }

    /// <summary>Reads every example into a <see cref="Dataset"/> in memory (4 bytes a value: only for a source that fits).</summary>
    /// <returns>The set, with the same class count and names.</returns>
    /// <exception cref="DataFormatException">A value read is malformed.</exception>
    /// <exception cref="InsufficientMemoryException">The features would take more than 2³¹ − 1 values.</exception>
    public Dataset ToDataset()
    {
        long values = (long)Count * FeatureCount;
        if (values > Array.MaxLength)
        {
            throw new InsufficientMemoryException(Invariant.F($"Expected at most {Array.MaxLength:N0} feature values to hold in memory but the source has {values:N0} ({Count:N0} × {FeatureCount}): train from the source instead."));
        }

        var features = new float[values];
        var labels = IsClassification ? new int[Count] : null;
        var targets = IsClassification ? null : new float[(long)Count * TargetCount];
        var block = new int[Math.Min(ScanBlock, Count)];
        for (int start = 0; start < Count; start += block.Length)
        {
            int n = Math.Min(block.Length, Count - start);
            for (int j = 0; j < n; j++)
            {
                block[j] = start + j;
            }

            Gather(
                block.AsSpan(0, n),
                features.AsSpan(start * FeatureCount, n * FeatureCount),
                labels is null ? default : labels.AsSpan(start, n),
                targets is null ? default : targets.AsSpan(start * TargetCount, n * TargetCount));
        }

        return Dataset.FromColumns(features, FeatureCount, Count, labels, ClassCount, targets, TargetCount, ClassNames);
    }

    /// <summary>Returns the number of examples of each class (empty for regression targets), reading the labels only.</summary>
    /// <returns>An array of length <see cref="ClassCount"/>.</returns>
    /// <exception cref="DataFormatException">A label read is malformed.</exception>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in AllLabels() ?? [])
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>
    /// Draws <paramref name="perClass"/> examples of each class at random and reads them into memory, as
    /// <see cref="Dataset.TakePerClass(int, int, bool)"/> does on the same examples (the same seed draws the same ones).
    /// Only the labels are scanned (4 bytes an example), and the features of the examples drawn.
    /// </summary>
    /// <param name="perClass">Examples per class, at least 1.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <param name="allowFewer">When <see langword="true"/>, a class with fewer examples contributes all it has. The default is <see langword="false"/>.</param>
    /// <returns>The sample, ordered by class then draw.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is less than 1, or a class has fewer examples and <paramref name="allowFewer"/> is <see langword="false"/> (the class, the number wanted and available are named).</exception>
    /// <exception cref="InvalidOperationException">The source has regression targets.</exception>
    /// <exception cref="DataFormatException">A value read is malformed.</exception>
    public Dataset TakePerClass(int perClass, int seed, bool allowFewer = false)
    {
        Guard.AtLeast(perClass, 1, nameof(perClass));
        if (!IsClassification)
        {
            throw new InvalidOperationException($"{nameof(TakePerClass)} needs class labels; this source has regression targets.");
        }

        var strata = Strata.Shuffled(Strata.Of(AllLabels(), Count, ClassCount), new Xoshiro256StarStar(seed));
        for (int c = 0; c < strata.Length && !allowFewer; c++)
        {
            if (strata[c].Length < perClass)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(perClass),
                    perClass,
                    Invariant.F($"Expected at least {perClass} examples of class {c} but the source has {strata[c].Length}. Ask for at most {strata[c].Length}, or pass allowFewer: true."));
            }
        }

        using var sample = Subset(strata.SelectMany(s => s.Take(perClass)).ToArray());
        return sample.ToDataset();
    }

    /// <summary>
    /// Splits the source in two at random without reading any feature (a held-out part for validation): stratified by
    /// class, exactly as <see cref="Dataset.Split(double, int)"/> splits the same examples with the same seed.
    /// </summary>
    /// <param name="firstFraction">The share of examples in the first part, in (0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>Two views of this source (4 bytes an example of indices); both non-empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The source has fewer than 2 examples.</exception>
    /// <exception cref="DataFormatException">A label read is malformed.</exception>
    public (DataSource First, DataSource Second) Split(double firstFraction, int seed)
    {
        Guard.Fraction(firstFraction, nameof(firstFraction));
        if (Count < 2)
        {
            throw new InvalidOperationException(Invariant.F($"Cannot split a source of {Count} example(s) in two."));
        }

        var (first, second) = Strata.Split(Strata.Of(AllLabels(), Count, ClassCount), Count, firstFraction, new Xoshiro256StarStar(seed));
        return (new SubsetSource(this, first), new SubsetSource(this, second));
    }

    /// <inheritdoc />
    public override string ToString() => IsClassification
        ? string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}({Count:N0} examples × {FeatureCount} features, {ClassCount} classes)")
        : string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}({Count:N0} examples × {FeatureCount} features, {TargetCount} targets)");

    /// <summary>Releases the files or memory maps the source holds.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the source's resources.</summary>
    /// <param name="disposing"><see langword="true"/> from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stored?.Dispose();
        }
    }

    /// <summary>Gathers from the stored examples of a file source: see <see cref="Gather"/>.</summary>
    private protected void GatherStored(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets) =>
        _stored!.Gather(indices, features, labels, targets);

    /// <summary>A one-example set of the source's shape (zero features; label 0 or the first example's targets): what the losses validate.</summary>
    internal Dataset ShapeProbe()
    {
        var targets = IsClassification ? null : new float[TargetCount];
        if (targets is not null)
        {
            Gather([0], default, default, targets);
        }

        return Dataset.FromColumns(new float[FeatureCount], FeatureCount, 1, IsClassification ? [0] : null, ClassCount, targets, TargetCount, ClassNames);
    }

    /// <summary>
    /// Gathers the examples <c>[start, start + count)</c> (a block of a scan in order), using <paramref name="indices"/> as scratch:
    /// the features, and the labels or the targets (whichever the source has) into buffers of at least the block's size.
    /// </summary>
    internal void GatherRange(int start, int count, Span<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        for (int j = 0; j < count; j++)
        {
            indices[j] = start + j;
        }

        Gather(
            indices[..count],
            features[..(FeatureCount * count)],
            IsClassification ? labels[..count] : default,
            IsClassification ? default : targets[..(TargetCount * count)]);
    }

    /// <summary>Every label, read in blocks; <see langword="null"/> for regression targets.</summary>
    internal int[]? AllLabels()
    {
        if (!IsClassification)
        {
            return null;
        }

        var labels = new int[Count];
        var block = ArrayPool<int>.Shared.Rent(Math.Min(ScanBlock, Count));
        try
        {
            for (int start = 0; start < Count; start += ScanBlock)
            {
                int n = Math.Min(ScanBlock, Count - start);
                for (int j = 0; j < n; j++)
                {
                    block[j] = start + j;
                }

                Gather(block.AsSpan(0, n), default, labels.AsSpan(start, n), default);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(block);
        }

        return labels;
    }

    private void EnsureFinite(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, int perExample, string what)
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

        throw new DataFormatException(Invariant.F($"{GetType().Name}: expected finite {what} but example {indices[at / perExample]} has {values[at]}."));
    }

    private static void EnsureRoom(int length, long needed, string paramName, string what)
    {
        if (length != 0 && length < needed)
        {
            throw new ArgumentException(Invariant.F($"Expected room for at least {needed} {what} but the buffer holds {length}."), paramName);
        }
    }

    private static void EnsureKind(bool fits, string paramName, string asked, string has)
    {
        if (!fits)
        {
            throw new ArgumentException($"Expected a buffer for {asked} to be empty: the source has {has}.", paramName);
        }
    }
}
