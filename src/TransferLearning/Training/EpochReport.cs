using System.Globalization;

namespace TransferLearning.Training;

/// <summary>What one epoch of training measured.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainLoss">The mean loss over the epoch's mini-batches (before each step).</param>
/// <param name="TrainAccuracy">The accuracy over the epoch's mini-batches, or <see langword="null"/> for regression.</param>
/// <param name="ValidationLoss">The validation loss after the epoch, or <see langword="null"/> without a validation set.</param>
/// <param name="ValidationAccuracy">The validation accuracy after the epoch, or <see langword="null"/>.</param>
/// <param name="LearningRate">The base learning rate used in the epoch (after the schedule).</param>
/// <param name="Elapsed">The epoch's wall-clock time.</param>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    double? TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    float LearningRate,
    TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var s = string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch,3}: loss {TrainLoss:F4}");
        if (TrainAccuracy is { } ta)
        {
            s += string.Create(CultureInfo.InvariantCulture, $", accuracy {ta:P1}");
        }

        if (ValidationLoss is { } vl)
        {
            s += string.Create(CultureInfo.InvariantCulture, $" | validation loss {vl:F4}");
        }

        if (ValidationAccuracy is { } va)
        {
            s += string.Create(CultureInfo.InvariantCulture, $", accuracy {va:P1}");
        }

        return s + string.Create(CultureInfo.InvariantCulture, $" | lr {LearningRate:G3}, {Elapsed.TotalSeconds:F2} s");
    }
}
