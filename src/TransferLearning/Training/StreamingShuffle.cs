namespace TransferLearning.Training;

/// <summary>
/// The shuffle of training from a <see cref="Data.DataSource"/>: seeded, reproducible, in bounded memory and with
/// locality on disk — whole chunks of consecutive examples in a random order, then a random order within a window of
/// chunks (<see cref="TrainingOptions.StreamingShuffle"/>).
/// </summary>
/// <remarks>
/// <para>
/// With <c>m</c> examples, chunk size <c>C</c> and window <c>W</c> chunks: the examples are cut into
/// <c>K = ⌈m / C⌉</c> chunks (chunk <c>k</c> holds examples <c>[k·C, min((k + 1)·C, m))</c>). Every epoch, from the
/// identity, a Fisher–Yates shuffle draws the chunk order <c>π</c> (one draw <c>Next(i + 1)</c> of the generator for each
/// <c>i = K − 1 … 1</c>); the chunks are taken <c>W</c> at a time in that order, and the examples of each window
/// (at most <c>W·C</c>) are Fisher–Yates shuffled by the same generator, then served in order; mini-batches are cut
/// from that stream and may straddle windows. The generator is <c>Xoshiro256**</c> seeded with
/// <see cref="TrainingOptions.Seed"/>, so the order depends only on <c>m</c>, <c>C</c>, <c>W</c>, the seed and the epoch.
/// </para>
/// <para>
/// Each example is served exactly once an epoch. Every window of chunks is equally likely, and within a window every
/// order is equally likely: an example's position is uniform over its window's <c>W·C</c> places, and the window
/// holding it is uniform over the <c>⌈K / W⌉</c> windows. When <c>W ≥ K</c> (a source of at most <c>W·C</c> examples)
/// this is a uniform permutation of all <c>m</c>. Memory is <c>K + W·C</c> integers (10,000,000 examples with the
/// defaults: 9,766 + 65,536 integers, 0.3 MB), against <c>m</c> for a full permutation; and each window reads
/// <c>W</c> runs of <c>C</c> consecutive examples, which the page cache and read-ahead serve well.
/// </para>
/// <para>
/// The same seed and settings give the same order whatever the source: a <see cref="Data.Dataset"/> exposed with
/// <see cref="Data.DataSource.FromDataset(Data.Dataset)"/> and the same examples in a <c>.npy</c> file train to the same weights,
/// bit for bit. (A <see cref="Data.Dataset"/> given to <see cref="Trainer.Fit(Networks.Network, Data.Dataset, Data.Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>
/// directly is shuffled as a whole instead, a full permutation.)
/// </para>
/// </remarks>
public sealed record StreamingShuffle
{
    /// <summary>Gets the number of consecutive examples kept together, at least 1.</summary>
    /// <value>The default is 1,024.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int ChunkSize
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(ChunkSize));
            field = value;
        }
    } = 1024;

    /// <summary>Gets the number of chunks shuffled together, at least 1.</summary>
    /// <value>The default is 64 (a window of 65,536 examples with the default chunk size).</value>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int WindowChunks
    {
        get;
        init
        {
            Guard.AtLeast(value, 1, nameof(WindowChunks));
            field = value;
        }
    } = 64;
}
