namespace TransferLearning.Transfer;

/// <summary>
/// How much the best pretrained layer's linear probe beats the raw inputs' on held-out target data, with
/// its uncertainty: the evidence behind the advisor's condition (c).
/// </summary>
/// <param name="Layer">The best pretrained layer (from 0).</param>
/// <param name="Description">What was probed, such as <c>layer 1: Dense(512 → 256, ReLU)</c>.</param>
/// <param name="Gain">The mean held-out gain (balanced accuracy, or R² for regression) over the resamples.</param>
/// <param name="Lower">The lower end of the confidence interval of <paramref name="Gain"/>.</param>
/// <param name="Upper">The upper end of the confidence interval of <paramref name="Gain"/>.</param>
/// <param name="StandardError">The standard error of <paramref name="Gain"/> (corrected for overlapping training parts).</param>
/// <param name="ConfidenceLevel">The interval's confidence level, such as 0.95.</param>
/// <param name="PermutationBaseline">
/// The largest gain of the best layer over the raw inputs on the shuffled targets (negative infinity when
/// no shuffle was made): what choosing the best layer gains from noise alone.
/// </param>
/// <param name="Permutations">The number of shuffles behind <paramref name="PermutationBaseline"/>.</param>
/// <param name="Resamples">The number of held-out folds the gain was averaged over (repeats × folds).</param>
/// <param name="IsClassification">Whether the scores are balanced accuracies (points) rather than R².</param>
public sealed record ProbeGain(
    int Layer,
    string Description,
    double Gain,
    double Lower,
    double Upper,
    double StandardError,
    double ConfidenceLevel,
    double PermutationBaseline,
    int Permutations,
    int Resamples,
    bool IsClassification)
{
    /// <summary>Returns the gain with its interval and the permutation baseline, such as <c>gain +4.1 points (95 % CI +1.2 to +7.0, 15 folds; shuffled labels gain at most +2.3)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        double scale = IsClassification ? 100 : 1;
        string unit = IsClassification ? " points" : " R²";
        string format = IsClassification ? "+0.0;-0.0;0.0" : "+0.000;-0.000;0.000";
        string baseline = Permutations > 0
            ? Invariant.F($"; {Permutations} shuffles of the {(IsClassification ? "labels" : "targets")} gain at most {(PermutationBaseline * scale).ToString(format, System.Globalization.CultureInfo.InvariantCulture)}")
            : "; no permutation baseline";
        return Invariant.F(
            $"gain {(Gain * scale).ToString(format, System.Globalization.CultureInfo.InvariantCulture)}{unit} ({ConfidenceLevel * 100:0.#} % CI {(Lower * scale).ToString(format, System.Globalization.CultureInfo.InvariantCulture)} to {(Upper * scale).ToString(format, System.Globalization.CultureInfo.InvariantCulture)}, {Resamples} held-out folds){baseline}");
    }
}
