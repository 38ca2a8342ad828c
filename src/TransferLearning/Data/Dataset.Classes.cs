using System.Globalization;

namespace TransferLearning.Data;

/// <summary>Class names, class filters and relabelling.</summary>
public sealed partial class Dataset
{
    /// <summary>Returns the same set (sharing its storage) with a name for each class.</summary>
    /// <param name="classNames">One non-empty name per class, index = label.</param>
    /// <returns>The named set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="classNames"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The count differs from <see cref="ClassCount"/>, a name is empty, or the set has no class labels.</exception>
    public Dataset WithClassNames(IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (!IsClassification)
        {
            throw new ArgumentException("Expected a classification set to name classes of, but this one has regression targets.", nameof(classNames));
        }

        EnsureClassNames(classNames, ClassCount, nameof(classNames));
        return new Dataset(_features, FeatureCount, Count, _labels, ClassCount, _targets, TargetCount, [.. classNames]);
    }

    /// <summary>Throws unless <paramref name="classNames"/> (when given) holds one non-empty name for each of <paramref name="classCount"/> classes.</summary>
    internal static void EnsureClassNames(IReadOnlyList<string>? classNames, int classCount, string paramName)
    {
        if (classNames is null)
        {
            return;
        }

        if (classNames.Count != classCount)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {classCount} class names, one per class, but got {classNames.Count}."), paramName);
        }

        for (int c = 0; c < classNames.Count; c++)
        {
            if (string.IsNullOrWhiteSpace(classNames[c]))
            {
                throw new ArgumentException(Invariant.F($"Expected a non-empty name for every class but the name of class {c} is empty."), paramName);
            }
        }

    }

    /// <summary>Returns the name of class <paramref name="label"/>, or the label as a number when the set has no class names.</summary>
    /// <param name="label">A label in <c>[0, ClassCount)</c>.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is outside <c>[0, ClassCount)</c>.</exception>
    public string ClassName(int label)
    {
        if ((uint)label >= (uint)ClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, Invariant.F($"Expected a label in [0, {ClassCount}) but got {label}."));
        }

        return _classNames?[label] ?? label.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Keeps only the examples of <paramref name="classes"/> and relabels them 0..k−1 in the order given
    /// (<c>classes[i]</c> becomes label <c>i</c>), keeping their class names: e.g. Fashion-MNIST's classes
    /// 5–9 become a 5-class set named Sandal … Ankle boot, not a 10-class set with five empty classes.
    /// </summary>
    /// <param name="classes">The classes to keep, each in <c>[0, ClassCount)</c>, no duplicates, at least one.</param>
    /// <returns>The filtered set with <c>ClassCount = classes.Length</c>, examples in their original order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="classes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="classes"/> is empty, holds a duplicate, or no example belongs to any of them.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside <c>[0, ClassCount)</c>.</exception>
    /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
    public Dataset FilterClasses(params int[] classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        RequireLabels(nameof(FilterClasses));
        if (classes.Length == 0)
        {
            throw new ArgumentException("Expected at least one class to keep but got none.", nameof(classes));
        }

        var newLabel = Enumerable.Repeat(-1, ClassCount).ToArray();
        for (int i = 0; i < classes.Length; i++)
        {
            int c = classes[i];
            if ((uint)c >= (uint)ClassCount)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(classes), c, Invariant.F($"Expected classes in [0, {ClassCount}) but classes[{i}] is {c}."));
            }

            if (newLabel[c] >= 0)
            {
                throw new ArgumentException(Invariant.F($"Expected distinct classes but class {c} appears twice (at {newLabel[c]} and {i})."), nameof(classes));
            }

            newLabel[c] = i;
        }

        var kept = Enumerable.Range(0, Count).Where(j => newLabel[_labels![j]] >= 0).ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected examples of at least one of classes {string.Join(", ", classes)} but the set has none."), nameof(classes));
        }

        var names = _classNames is null ? null : classes.Select(c => _classNames[c]).ToArray();
        return Subset(kept).WithLabels(j => newLabel[_labels![kept[j]]], classes.Length, names);
    }

    /// <summary>
    /// Relabels by a map from old to new classes: example of class <c>c</c> gets label <c>map[c]</c> — e.g. coarse
    /// classes (tops, shoes, …) from fine ones. Features are shared, not copied.
    /// </summary>
    /// <param name="map">One new label per old class (<c>map.Count == ClassCount</c>), each at least 0; the new class count is <c>max(map) + 1</c>.</param>
    /// <param name="classNames">Names of the new classes, one per new class; <see langword="null"/> (the default) for none.</param>
    /// <returns>The relabelled set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="map"/> does not hold one entry per class, or <paramref name="classNames"/> does not hold one name per new class.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="map"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
    public Dataset Relabel(IReadOnlyList<int> map, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        RequireLabels(nameof(Relabel));
        if (map.Count != ClassCount)
        {
            throw new ArgumentException(Invariant.F($"Expected one new label per class: {ClassCount} entries but got {map.Count}."), nameof(map));
        }

        for (int c = 0; c < map.Count; c++)
        {
            if (map[c] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(map), map[c], Invariant.F($"Expected new labels of at least 0 but map[{c}] is {map[c]}."));
            }
        }

        int classes = map.Max() + 1;
        var relabelled = WithLabels(j => map[_labels![j]], classes, null);
        return classNames is null ? relabelled : relabelled.WithClassNames(classNames);
    }

    /// <summary>
    /// Makes a two-class set for detecting one class among all: label 1 for <paramref name="positiveClass"/>,
    /// 0 for every other class; names "not {name}" and "{name}" (see <see cref="TakeWithRatio"/> to choose the balance).
    /// </summary>
    /// <param name="positiveClass">The class to detect, in <c>[0, ClassCount)</c>.</param>
    /// <returns>The two-class set, sharing this set's features.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveClass"/> is outside <c>[0, ClassCount)</c>.</exception>
    /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
    public Dataset OneVsRest(int positiveClass)
    {
        RequireLabels(nameof(OneVsRest));
        string name = ClassName(positiveClass);
        var map = Enumerable.Range(0, ClassCount).Select(c => c == positiveClass ? 1 : 0).ToArray();
        var binary = WithLabels(j => map[_labels![j]], 2, null);
        return binary.WithClassNames(["not " + name, name]);
    }

    /// <summary>A set sharing these features with new labels (validated by construction: callers map into [0, classCount)).</summary>
    private Dataset WithLabels(Func<int, int> label, int classCount, string[]? classNames)
    {
        var labels = new int[Count];
        for (int j = 0; j < labels.Length; j++)
        {
            labels[j] = label(j);
        }

        return new Dataset(_features, FeatureCount, Count, labels, classCount, null, 0, classNames);
    }

    /// <summary>"class 3 (Dress)", or "class 3" for a set without names.</summary>
    private string DescribeClass(int label) =>
        _classNames is null ? Invariant.F($"class {label}") : Invariant.F($"class {label} ({_classNames[label]})");
}
