namespace WakeWord;

/// <summary>A detector's quality at one decision threshold.</summary>
/// <param name="Threshold">It fires when the sigmoid output is at least this.</param>
/// <param name="Precision">Of the examples it fired on, the share that were positive.</param>
/// <param name="Recall">Of the positive examples, the share it fired on.</param>
/// <param name="F1">The harmonic mean of precision and recall.</param>
public sealed record DetectionScore(double Threshold, double Precision, double Recall, double F1);
