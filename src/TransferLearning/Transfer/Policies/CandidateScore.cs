namespace TransferLearning.Transfer;

/// <summary>How one candidate strategy scored on held-out target data when <c>Auto</c> measured it.</summary>
public sealed record CandidateScore
{
    /// <summary>Gets the strategy.</summary>
    public required TransferStrategy Strategy { get; init; }

    /// <summary>
    /// Gets the held-out balanced accuracy: the mean over the classes of the share of each class's held-out
    /// examples predicted as that class (plain accuracy when the classes are equally frequent;
    /// <see langword="null"/>, the default, for a regression target).
    /// </summary>
    public double? BalancedAccuracy { get; init; }

    /// <summary>Gets the held-out mean squared error (<see langword="null"/>, the default, for a classification target).</summary>
    public double? SquaredError { get; init; }

    /// <summary>Gets the epochs it had trained when scored: all of them for the survivors of successive halving, fewer for those dropped early.</summary>
    public int Epochs { get; init; }

    /// <summary>Gets the time spent training and scoring it.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <inheritdoc />
    public override string ToString() => BalancedAccuracy is { } accuracy
        ? Invariant.F($"{Strategy}: balanced accuracy {accuracy:P1} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s")
        : Invariant.F($"{Strategy}: squared error {SquaredError:F4} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s");
}
