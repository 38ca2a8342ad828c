using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>How well a linear probe on one representation predicts the target on held-out data.</summary>
/// <param name="Layer">The pretrained layer whose activations were probed (from 0), or −1 for the raw inputs.</param>
/// <param name="Description">What was probed, such as <c>raw inputs</c> or <c>layer 1: Dense(512 → 256, ReLU)</c>.</param>
/// <param name="Score">Held-out balanced accuracy (classification: the mean of the per-class recalls) or R² (regression), averaged over the repeats.</param>
public sealed record ProbeScore(int Layer, string Description, double Score)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Description}: {Score:F3}");
}
