using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>How well a linear probe on one representation predicts the target on held-out data.</summary>
public sealed class ProbeScore
{
    /// <summary>Gets the pretrained layer whose activations were probed (from 0), or −1 for the raw inputs.</summary>
    public int Layer { get; init; }

    /// <summary>Gets what was probed, such as <c>raw inputs (32 features)</c> or <c>layer 1: Dense(512 → 256, ReLU)</c>.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the held-out balanced accuracy (classification: the mean of the per-class recalls) or R² (regression), averaged over the resamples.</summary>
    public double Score { get; init; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Description}: {Score:F3}");
}
