namespace TransferLearning.Data;

/// <summary>A <see cref="Dataset"/> in memory read through the source path (no copy): see <see cref="DataSource.FromDataset(Dataset)"/>.</summary>
internal sealed class DatasetSource(Dataset data)
    : DataSource(data.Count, data.FeatureCount, data.ClassCount, data.TargetCount)
{
    /// <summary>Gets the set read.</summary>
    public Dataset Data => data;

    /// <inheritdoc />
    public override IReadOnlyList<string>? ClassNames => data.ClassNames;

    /// <inheritdoc />
    internal override bool ChecksValues => true;

    /// <inheritdoc />
    protected override void GatherCore(ReadOnlySpan<int> indices, Span<float> features, Span<int> labels, Span<float> targets)
    {
        int n = FeatureCount;
        int t = TargetCount;
        var x = data.FeatureData;
        for (int j = 0; j < indices.Length; j++)
        {
            int i = indices[j];
            if (!features.IsEmpty)
            {
                x.Slice(i * n, n).CopyTo(features.Slice(j * n, n));
            }

            if (!labels.IsEmpty)
            {
                labels[j] = data.LabelArray![i];
            }

            if (!targets.IsEmpty)
            {
                data.TargetArray.AsSpan(i * t, t).CopyTo(targets.Slice(j * t, t));
            }
        }
    }
}
