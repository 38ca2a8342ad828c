using System.Globalization;

namespace TransferLearning.Training;

/// <summary>The result of <see cref="NetworkEvaluation.Evaluate(Networks.Network, Data.Dataset, Loss?)"/>.</summary>
/// <param name="Loss">The mean loss over the examples.</param>
/// <param name="Accuracy">The share of examples classified correctly, or <see langword="null"/> for a regression set.</param>
/// <param name="Count">The number of examples.</param>
public sealed record Evaluation(double Loss, double? Accuracy, int Count)
{
    /// <inheritdoc />
    public override string ToString() => Accuracy is { } accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}, accuracy {accuracy:P2} on {Count:N0} examples")
        : string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4} on {Count:N0} examples");
}
