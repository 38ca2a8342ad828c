namespace TransferLearning.Transfer;

/// <summary>How one candidate strategy scored on held-out target data when <c>Auto</c> measured it.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="BalancedAccuracy">
/// The held-out balanced accuracy: the mean over the classes of the share of each class's held-out examples
/// predicted as that class (plain accuracy when the classes are equally frequent; <see langword="null"/> for a
/// regression target).
/// </param>
/// <param name="SquaredError">The held-out mean squared error (<see langword="null"/> for a classification target).</param>
/// <param name="Epochs">The epochs it had trained when scored: all of them for the survivors of successive halving, fewer for those dropped early.</param>
/// <param name="Elapsed">The time spent training and scoring it.</param>
public sealed record CandidateScore(TransferStrategy Strategy, double? BalancedAccuracy, double? SquaredError, int Epochs, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() => BalancedAccuracy is { } accuracy
        ? Invariant.F($"{Strategy}: balanced accuracy {accuracy:P1} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s")
        : Invariant.F($"{Strategy}: squared error {SquaredError:F4} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s");
}
