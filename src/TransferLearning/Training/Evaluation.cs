using System.Globalization;

namespace TransferLearning.Training;

/// <summary>The result of <see cref="NetworkEvaluation.Evaluate(Networks.Network, Data.Dataset, Loss?)"/>.</summary>
public sealed record Evaluation
{
    /// <summary>Gets the mean loss over the examples.</summary>
    public required double Loss { get; init; }

    /// <summary>Gets the share of examples classified correctly, or <see langword="null"/> for a regression set.</summary>
    public double? Accuracy { get; init; }

    /// <summary>Gets the number of examples.</summary>
    public required int Count { get; init; }

    /// <inheritdoc />
    public override string ToString() => Accuracy is { } accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}, accuracy {accuracy:P2} on {Count:N0} examples")
        : string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4} on {Count:N0} examples");
}
