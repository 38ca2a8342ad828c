using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>The mini-batches a training run steps through: from a <see cref="Data.Dataset"/> in memory (<see cref="MiniBatches"/>) or gathered from a source in the background (<see cref="SourceBatches"/>).</summary>
internal interface IMiniBatches
{
    /// <summary>Gets the size of a full mini-batch (the last one of an epoch may be smaller).</summary>
    int Size { get; }

    /// <summary>Gets the number of mini-batches per epoch.</summary>
    int Count { get; }

    /// <summary>Starts an epoch.</summary>
    void StartEpoch();

    /// <summary>
    /// Replays the shuffles of <paramref name="epochs"/> epochs already trained, before the first <see cref="StartEpoch"/> of a
    /// resumed run: the order of epoch <c>e</c> follows from the seed and the <c>e − 1</c> shuffles before it.
    /// </summary>
    void SkipEpochs(int epochs);

    /// <summary>The number of examples in mini-batch <paramref name="b"/> (from 0).</summary>
    int CountOf(int b);

    /// <summary>Mini-batch <paramref name="b"/>: its features (one column per example) and its targets, valid until the next call.</summary>
    ReadOnlySpan<float> Gather(int b, out BatchTargets targets);
}
