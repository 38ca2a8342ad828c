namespace WakeWord;

/// <summary>How one strategy's detector did on the test images.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Test">Precision, recall and F1 on the test images at the threshold chosen on validation data, one per seed.</param>
/// <param name="AveragePrecision">The area under the test precision–recall curve, one per seed.</param>
/// <param name="Curve">The first seed's test precision–recall curve (at most a few hundred points).</param>
public sealed record DetectorResult(string Strategy, IReadOnlyList<DetectionScore> Test, IReadOnlyList<double> AveragePrecision, IReadOnlyList<DetectionScore> Curve);
