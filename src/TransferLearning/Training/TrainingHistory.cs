using System.Globalization;

namespace TransferLearning.Training;

/// <summary>What a training run did: one report per epoch, the best epoch and why it stopped.</summary>
public sealed record TrainingHistory
{
    /// <summary>Gets one report per epoch that ran, in order.</summary>
    public required IReadOnlyList<EpochReport> Epochs { get; init; }

    /// <summary>Gets the epoch (from 1) with the lowest monitored loss (validation loss if any, else training loss).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Gets whether early stopping ended the run before the last epoch.</summary>
    public required bool StoppedEarly { get; init; }

    /// <summary>Gets whether the network was reset to the weights of <see cref="BestEpoch"/>.</summary>
    public required bool RestoredBest { get; init; }

    /// <summary>Gets the run's wall-clock time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Gets the last epoch's report.</summary>
    public EpochReport Last => Epochs[^1];

    /// <summary>
    /// Returns one line (invariant culture), such as
    /// <c>10 epochs in 4.21 s; best epoch 7: loss 0.2345, accuracy 91.2 % | validation loss 0.3123, accuracy 88.1 %; stopped early; best weights restored</c>,
    /// or <c>no epochs</c>. Each epoch prints itself: <see cref="Epochs"/>.
    /// </summary>
    /// <returns>The line.</returns>
    public override string ToString()
    {
        if (Epochs.Count == 0)
        {
            return "no epochs";
        }

        var best = Epochs.FirstOrDefault(e => e.Epoch == BestEpoch) ?? Last;
        var s = string.Create(CultureInfo.InvariantCulture, $"{Epochs.Count} epoch{(Epochs.Count == 1 ? string.Empty : "s")} in {Elapsed.TotalSeconds:F2} s; best epoch {best.Epoch}: {best.Measures()}");
        if (StoppedEarly)
        {
            s += "; stopped early";
        }

        return RestoredBest ? s + "; best weights restored" : s;
    }
}
