namespace TransferLearning.Transfer;

/// <summary>How one candidate strategy scored on held-out target data when <c>Auto</c> measured it.</summary>
public sealed record CandidateScore
{
    /// <summary>Gets the strategy.</summary>
    public required TransferStrategy Strategy { get; init; }

    /// <summary>Gets the name of the metric <see cref="Score"/> is, such as <c>accuracy</c> or <c>R²</c>; empty by default.</summary>
    public string Metric { get; init; } = string.Empty;

    /// <summary>Gets the held-out score on the decision's <see cref="Metric"/> (higher is better), over every example it was scored on.</summary>
    public double Score { get; init; }

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
    public override string ToString() => Metric.Length > 0
        ? Invariant.F($"{Strategy}: {Metric} {Score:F3} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s")
        : BalancedAccuracy is { } accuracy
            ? Invariant.F($"{Strategy}: balanced accuracy {accuracy:P1} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s")
            : Invariant.F($"{Strategy}: squared error {SquaredError:F4} after {Epochs} epochs, {Elapsed.TotalSeconds:F2} s");
}
