using System.Buffers;

namespace TransferLearning.Data;

/// <summary>A view of some examples of another source, by index (see <see cref="DataSource.Subset(IReadOnlyList{int})"/>); it does not own the source.</summary>
internal sealed class SubsetSource(DataSource source, int[] indices)
    : DataSource(indices.Length, source.FeatureCount, source.ClassCount, source.TargetCount)
{
    /// <inheritdoc />
    public override IReadOnlyList<string>? ClassNames => source.ClassNames;

    /// <inheritdoc />
    internal override bool ChecksValues => true; // the source viewed checks its own values

    /// <inheritdoc />
    protected override void GatherCore(ReadOnlySpan<int> indices1, Span<float> features, Span<int> labels, Span<float> targets)
    {
        // Translate to the source's indices; a mini-batch is small, so a pooled buffer serves (no allocation in steady state).
        var mapped = ArrayPool<int>.Shared.Rent(indices1.Length);
        try
        {
            for (int j = 0; j < indices1.Length; j++)
            {
                mapped[j] = indices[indices1[j]];
            }

            source.Gather(mapped.AsSpan(0, indices1.Length), features, labels, targets);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(mapped);
        }
    }
}
