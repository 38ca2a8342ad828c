using TransferLearning.Training;

namespace WakeWord;

/// <summary>How one strategy's detector did on the test images.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Test">
/// The library's binary report on the test images at the threshold chosen on validation data, one per seed: precision,
/// recall and F1 at that threshold (and the counts behind them), the ROC AUC and the average precision.
/// </param>
/// <param name="Curve">The first seed's test precision–recall curve (at most a few hundred points).</param>
public sealed record DetectorResult(string Strategy, IReadOnlyList<BinaryMetrics> Test, IReadOnlyList<PrecisionRecallPoint> Curve)
{
    /// <summary>Gets the area under the test precision–recall curve, <c>Σ (Rₙ − Rₙ₋₁)·Pₙ</c>, one per seed.</summary>
    public IReadOnlyList<double> AveragePrecision => [.. Test.Select(t => t.AveragePrecision)];
}
