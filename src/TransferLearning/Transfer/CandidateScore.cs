using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>How one candidate strategy scored on the held-out target data when <c>Auto</c> measured it.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Accuracy">The mean held-out accuracy over the folds (<see langword="null"/> for a regression target).</param>
/// <param name="Loss">The mean held-out loss over the folds.</param>
/// <param name="Elapsed">The total training and scoring time over the folds.</param>
public sealed record CandidateScore(TransferStrategy Strategy, double? Accuracy, double Loss, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() => Accuracy is { } accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"{Strategy}: accuracy {accuracy:P1}, loss {Loss:F4}, {Elapsed.TotalSeconds:F2} s")
        : string.Create(CultureInfo.InvariantCulture, $"{Strategy}: loss {Loss:F4}, {Elapsed.TotalSeconds:F2} s");
}
