using System.Globalization;

namespace TransferLearning.Training;

/// <summary>What one epoch of training measured.</summary>
public sealed record EpochReport
{
    /// <summary>Gets the epoch, from 1.</summary>
    public required int Epoch { get; init; }

    /// <summary>Gets the mean loss over the epoch's mini-batches (before each step).</summary>
    public required double TrainLoss { get; init; }

    /// <summary>Gets the accuracy over the epoch's mini-batches, or <see langword="null"/> for regression.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Gets the validation loss after the epoch, or <see langword="null"/> without a validation set.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Gets the validation accuracy after the epoch, or <see langword="null"/>.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Gets the base learning rate used in the epoch (after the schedule).</summary>
    public required float LearningRate { get; init; }

    /// <summary>Gets the epoch's wall-clock time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Returns one line, such as <c>epoch   3: loss 0.4210, accuracy 85.0 % | validation loss 0.4702, accuracy 83.1 % | lr 0.001, 0.42 s</c> (invariant culture).</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch,3}: {Measures()} | lr {LearningRate:G3}, {Elapsed.TotalSeconds:F2} s");

    /// <summary>The losses and accuracies: <c>loss 0.4210, accuracy 85.0 % | validation loss 0.4702, accuracy 83.1 %</c>.</summary>
    internal string Measures()
    {
        var s = string.Create(CultureInfo.InvariantCulture, $"loss {TrainLoss:F4}");
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

        return s;
    }
}
