namespace TransferLearning.Training;

/// <summary>
/// Accumulates a <see cref="RegressionReport"/> batch by batch: the targets give their means first, then each batch of predictions adds to the per-target sums of squared and absolute errors, so the
/// predictions are never held all at once.
/// </summary>
internal sealed class RegressionTally
{
    private readonly int _targetCount;
    private readonly int _count;
    private readonly double[] _mean;
    private readonly double[] _total;
    private readonly double[] _residual;
    private readonly double[] _absolute;
    private int _added;

    /// <summary>Initializes a tally for finite <paramref name="targets"/>, example after example, <paramref name="targetCount"/> per example.</summary>
    public RegressionTally(ReadOnlySpan<float> targets, int targetCount)
    {
        _targetCount = targetCount;
        _count = targets.Length / targetCount;
        _mean = new double[targetCount];
        _total = new double[targetCount];
        _residual = new double[targetCount];
        _absolute = new double[targetCount];
        for (int k = 0; k < targets.Length; k++)
        {
            _mean[k % targetCount] += targets[k];
        }

        for (int t = 0; t < targetCount; t++)
        {
            _mean[t] /= _count;
        }

        for (int k = 0; k < targets.Length; k++)
        {
            double d = targets[k] - _mean[k % targetCount];
            _total[k % targetCount] += d * d;
        }
    }

    /// <summary>Adds the next examples: their targets (the same values the tally was made with) and predictions, finite, example after example.</summary>
    public void Add(ReadOnlySpan<float> targets, ReadOnlySpan<float> predictions)
    {
        for (int k = 0; k < predictions.Length; k++)
        {
            double error = (double)targets[k] - predictions[k];
            _residual[k % _targetCount] += error * error;
            _absolute[k % _targetCount] += Math.Abs(error);
        }

        _added += predictions.Length / _targetCount;
    }

    /// <summary>
    /// Builds the report once every example was added: <c>R² = 1 − SS_res / SS_tot</c> (1 or 0 when <c>SS_tot = 0</c>,
    /// NaN for one example), <c>MAE = Σ|e| / m</c>, <c>RMSE = √(Σe² / m)</c> per target.
    /// </summary>
    public RegressionReport Report()
    {
        System.Diagnostics.Debug.Assert(_added == _count, "every example added");
        var r2 = new double[_targetCount];
        var mae = new double[_targetCount];
        var rmse = new double[_targetCount];
        for (int t = 0; t < _targetCount; t++)
        {
            r2[t] = _count < 2 ? double.NaN : _total[t] != 0 ? 1 - (_residual[t] / _total[t]) : _residual[t] == 0 ? 1 : 0;
            mae[t] = _absolute[t] / _count;
            rmse[t] = Math.Sqrt(_residual[t] / _count);
        }

        return new RegressionReport(_count, r2, mae, rmse);
    }
}
