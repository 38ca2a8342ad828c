using TransferLearning.Training;

namespace WakeWord;

/// <summary>How one strategy's detector did on the test images.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Test">
/// The deployable model's report on the test images, at the decision threshold the library chose on validation data (<c>Model.WithDecisionThreshold</c>), one per seed: precision,
/// recall and F1 at that threshold (and the counts behind them), the ROC AUC and the average precision.
/// </param>
/// <param name="ValidationF1">F1 of the rare class on the validation examples at the chosen threshold, one per seed (what the threshold maximised).</param>
/// <param name="Curve">The first seed's test precision–recall curve (at most a few hundred points).</param>
public sealed record DetectorResult(string Strategy, IReadOnlyList<BinaryMetrics> Test, IReadOnlyList<double> ValidationF1, IReadOnlyList<PrecisionRecallPoint> Curve)
{
    /// <summary>Gets the area under the test precision–recall curve, <c>Σ (Rₙ − Rₙ₋₁)·Pₙ</c>, one per seed.</summary>
    public IReadOnlyList<double> AveragePrecision => [.. Test.Select(t => t.AveragePrecision)];
}
