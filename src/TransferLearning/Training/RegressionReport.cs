using System.Globalization;
using System.Text;

namespace TransferLearning.Training;

/// <summary>
/// How well a regression model did on a set of examples: scikit-learn's <c>r2_score</c>, <c>mean_absolute_error</c>
/// and <c>mean_squared_error(squared=False)</c> per target and averaged over the targets (<c>multioutput='uniform_average'</c>).
/// </summary>
public sealed class RegressionReport
{
    internal RegressionReport(int count, double[] r2, double[] mae, double[] rmse)
    {
        Count = count;
        R2PerTarget = Array.AsReadOnly(r2);
        MeanAbsoluteErrorPerTarget = Array.AsReadOnly(mae);
        RootMeanSquaredErrorPerTarget = Array.AsReadOnly(rmse);
        R2 = r2.Average();
        MeanAbsoluteError = mae.Average();
        RootMeanSquaredError = rmse.Average();
    }

    /// <summary>Gets the number of examples <c>m</c>.</summary>
    public int Count { get; }

    /// <summary>Gets the number of targets per example.</summary>
    public int TargetCount => R2PerTarget.Count;

    /// <summary>Gets the mean of <see cref="R2PerTarget"/> over the targets (scikit-learn's <c>r2_score</c> with <c>multioutput='uniform_average'</c>).</summary>
    public double R2 { get; }

    /// <summary>
    /// Gets the coefficient of determination of each target <c>t</c>, <c>R²_t = 1 − Σ_i (y_it − ŷ_it)² / Σ_i (y_it − ȳ_t)²</c>:
    /// 1 is perfect, 0 is as good as predicting the mean, below 0 is worse. For a constant target (denominator 0) it is
    /// 1 when the predictions are exact and 0 otherwise (scikit-learn's <c>force_finite=True</c>); NaN with a single
    /// example (scikit-learn returns NaN: the mean of one value explains nothing).
    /// </summary>
    public IReadOnlyList<double> R2PerTarget { get; }

    /// <summary>Gets the mean of <see cref="MeanAbsoluteErrorPerTarget"/> over the targets.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>Gets the mean absolute error of each target, <c>MAE_t = (1/m)·Σ_i |y_it − ŷ_it|</c>.</summary>
    public IReadOnlyList<double> MeanAbsoluteErrorPerTarget { get; }

    /// <summary>Gets the mean of <see cref="RootMeanSquaredErrorPerTarget"/> over the targets (scikit-learn's uniform average of the per-target RMSEs, not the RMSE of all values).</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>Gets the root mean squared error of each target, <c>RMSE_t = √((1/m)·Σ_i (y_it − ŷ_it)²)</c>.</summary>
    public IReadOnlyList<double> RootMeanSquaredErrorPerTarget { get; }

    /// <summary>Computes the report from true targets and predictions of any model.</summary>
    /// <param name="targets">The true values, example after example: <c>targets[i·n_y + t]</c> is target <c>t</c> of example <c>i</c>; finite.</param>
    /// <param name="predictions">The predictions, laid out as <paramref name="targets"/>; finite.</param>
    /// <param name="targetCount">The number of targets per example <c>n_y</c>, at least 1.</param>
    /// <returns>The report.</returns>
    /// <remarks>The sums are taken in double precision over the float values: first the targets' means, then the errors.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="targetCount"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="targets"/> is empty or not a whole number of examples; <paramref name="predictions"/> differs in
    /// length from it; or a value is NaN or ∞.
    /// </exception>
    public static RegressionReport From(ReadOnlySpan<float> targets, ReadOnlySpan<float> predictions, int targetCount)
    {
        Guard.AtLeast(targetCount, 1, nameof(targetCount));
        if (targets.IsEmpty || targets.Length % targetCount != 0)
        {
            throw new ArgumentException(
                Invariant.F($"Expected a positive whole number of examples of {targetCount} targets but got {targets.Length} values."), nameof(targets));
        }

        if (predictions.Length != targets.Length)
        {
            throw new ArgumentException(
                Invariant.F($"Expected one prediction per target value ({targets.Length}) but got {predictions.Length}."), nameof(predictions));
        }

        Guard.AllFiniteExamples(targets, nameof(targets), targetCount, "target");
        Guard.AllFiniteExamples(predictions, nameof(predictions), targetCount, "target");
        var tally = new RegressionTally(targets, targetCount);
        tally.Add(targets, predictions);
        return tally.Report();
    }

    /// <summary>Returns a table of R², MAE and RMSE per target and their means (four decimals, invariant culture).</summary>
    /// <returns>The table, lines separated by <see cref="Environment.NewLine"/>.</returns>
    public override string ToString()
    {
        const int W = 12;
        string Num(double value) => value.ToString("F4", CultureInfo.InvariantCulture).PadLeft(W);
        var text = new StringBuilder();
        text.Append("target".PadLeft(8)).Append("R²".PadLeft(W)).Append("MAE".PadLeft(W)).Append("RMSE".PadLeft(W)).AppendLine();
        for (int t = 0; t < TargetCount; t++)
        {
            text.Append(t.ToString(CultureInfo.InvariantCulture).PadLeft(8)).Append(Num(R2PerTarget[t])).Append(Num(MeanAbsoluteErrorPerTarget[t])).Append(Num(RootMeanSquaredErrorPerTarget[t])).AppendLine();
        }

        text.Append("mean".PadLeft(8)).Append(Num(R2)).Append(Num(MeanAbsoluteError)).Append(Num(RootMeanSquaredError)).AppendLine();
        text.Append(Invariant.F($"{Count:N0} examples"));
        return text.ToString();
    }
}
