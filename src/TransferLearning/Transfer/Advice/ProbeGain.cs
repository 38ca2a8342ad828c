using System.Globalization;

namespace TransferLearning.Transfer;

/// <summary>
/// How much the best pretrained layer's linear probe beats the raw inputs' on held-out target data, with
/// its uncertainty: the evidence behind the advisor's condition (c).
/// </summary>
public sealed class ProbeGain
{
    /// <summary>Gets the best pretrained layer (from 0).</summary>
    public int Layer { get; init; }

    /// <summary>Gets what was probed, such as <c>layer 1: Dense(512 → 256, ReLU)</c>.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets the mean held-out gain (balanced accuracy, or R² for regression) over the resamples.</summary>
    public double Gain { get; init; }

    /// <summary>Gets the lower end of the confidence interval of <see cref="Gain"/>.</summary>
    public double Lower { get; init; }

    /// <summary>Gets the upper end of the confidence interval of <see cref="Gain"/>.</summary>
    public double Upper { get; init; }

    /// <summary>Gets the standard error of <see cref="Gain"/> (corrected for overlapping training parts).</summary>
    public double StandardError { get; init; }

    /// <summary>Gets the interval's confidence level, such as 0.95.</summary>
    public double ConfidenceLevel { get; init; }

    /// <summary>
    /// Gets the largest gain of the best layer over the raw inputs on the shuffled targets (negative
    /// infinity when no shuffle was made): what choosing the best layer gains from noise alone.
    /// </summary>
    public double PermutationBaseline { get; init; } = double.NegativeInfinity;

    /// <summary>Gets <see cref="Gain"/> in standard errors (<see cref="Gain"/> ÷ <see cref="StandardError"/>; ± infinity when the error is 0): the statistic of the permutation test.</summary>
    public double StandardizedGain => ProbeExperiment.Standardized(Gain, StandardError);

    /// <summary>
    /// Gets the largest gain in standard errors of the best layer on the shuffled targets (negative infinity when no
    /// shuffle was made). Condition (c) asks <see cref="StandardizedGain"/> to beat it: a studentized permutation test,
    /// which stays fair where the real target's probes score near a ceiling (small errors) and the shuffles' near chance
    /// (large ones) — a gain in points would be held to the noise of chance-level scores.
    /// </summary>
    public double StandardizedPermutationBaseline { get; init; } = double.NegativeInfinity;

    /// <summary>Gets the number of shuffles behind <see cref="PermutationBaseline"/>.</summary>
    public int Permutations { get; init; }

    /// <summary>Gets the number of held-out folds the gain was averaged over (repeats × folds).</summary>
    public int Resamples { get; init; }

    /// <summary>Gets a value indicating whether the scores are balanced accuracies (points) rather than R².</summary>
    public bool IsClassification { get; init; }

    /// <summary>Returns the gain with its interval and the permutation baselines, such as <c>gain +4.1 points (95 % CI +1.2 to +7.0, 15 held-out folds); 19 shuffles of the labels gain at most +2.3, at most 1.9 standard errors against 2.8 here</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        double scale = IsClassification ? 100 : 1;
        string unit = IsClassification ? " points" : " R²";
        string format = IsClassification ? "+0.0;-0.0;0.0" : "+0.000;-0.000;0.000";
        string Show(double value) => (value * scale).ToString(format, CultureInfo.InvariantCulture);
        string baseline = Permutations > 0
            ? Invariant.F($"; {Permutations} shuffles of the {(IsClassification ? "labels" : "targets")} gain at most {Show(PermutationBaseline)}, at most {StandardizedPermutationBaseline:0.0#} standard errors against {StandardizedGain:0.0#} here")
            : "; no permutation baseline";
        return Invariant.F($"gain {Show(Gain)}{unit} ({ConfidenceLevel * 100:0.#} % CI {Show(Lower)} to {Show(Upper)}, {Resamples} held-out folds){baseline}");
    }
}
