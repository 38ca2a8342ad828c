namespace TransferLearning.Training.Losses;

/// <summary>The targets of a mini-batch: class labels, or a column-major target block.</summary>
internal readonly ref struct BatchTargets(ReadOnlySpan<int> labels, ReadOnlySpan<float> values)
{
    public ReadOnlySpan<int> Labels { get; } = labels;

    public ReadOnlySpan<float> Values { get; } = values;

    public bool HasLabels => !Labels.IsEmpty;

    /// <summary>The target of row <paramref name="row"/> in column <paramref name="column"/>: one-hot for labels.</summary>
    public float At(int row, int column, int rows) =>
        HasLabels ? (Labels[column] == row ? 1f : 0f) : Values[(column * rows) + row];
}
