using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Decides when a run has diverged and keeps the checkpoint it goes back to.
/// </summary>
/// <remarks>
/// A mini-batch loss diverges when it is NaN or ∞, or when it exceeds
/// <see cref="TrainingOptions.DivergenceLossFactor"/> × the reference: the larger of the run's first mini-batch
/// loss and the lowest mean training loss of a completed epoch (a loss that explodes by that factor over both
/// where it started and its best). Weights whose loss did not diverge are checkpointed every
/// <see cref="TrainingOptions.DivergenceCheckpointInterval"/> mini-batches; a divergence puts them back.
/// </remarks>
internal sealed class DivergenceGuard
{
    private readonly Parameter[] _state;
    private readonly float[][] _lastGood;
    private readonly int _interval;
    private readonly double _factor;
    private long _steps;
    private double _firstLoss = double.NaN;
    private double _bestEpochLoss = double.PositiveInfinity;
    private int _lastGoodEpoch = 1;
    private int _lastGoodBatch = 1;

    public DivergenceGuard(Parameter[] state, TrainingOptions options)
    {
        _state = state;
        _interval = options.DivergenceCheckpointInterval;
        _factor = options.DivergenceLossFactor;
        _lastGood = state.Select(p => new float[p.Length]).ToArray();
        Snapshot.Copy(state, _lastGood); // the starting weights, until the first good loss is seen
    }

    /// <summary>The loss above which a mini-batch counts as diverged (∞ until the first mini-batch).</summary>
    public double Limit => double.IsNaN(_firstLoss) ? double.PositiveInfinity : _factor * Math.Max(_firstLoss, _bestEpochLoss == double.PositiveInfinity ? 0 : _bestEpochLoss);

    /// <summary>True when <paramref name="loss"/> is NaN, ∞ or above <see cref="Limit"/>.</summary>
    public bool HasDiverged(double loss) => !double.IsFinite(loss) || (loss > Limit && Limit > 0);

    /// <summary>Called with every mini-batch loss that did not diverge, before the step: checkpoints the weights that produced it every so often.</summary>
    public void Passed(double loss, int epoch, int batch)
    {
        if (double.IsNaN(_firstLoss))
        {
            _firstLoss = loss;
        }

        if (_steps++ % _interval == 0)
        {
            Snapshot.Copy(_state, _lastGood);
            (_lastGoodEpoch, _lastGoodBatch) = (epoch, batch);
        }
    }

    /// <summary>Records a completed epoch's mean training loss.</summary>
    public void EpochCompleted(double trainLoss) => _bestEpochLoss = Math.Min(_bestEpochLoss, trainLoss);

    /// <summary>True when every checkpointed value is finite.</summary>
    public bool WeightsAreFinite()
    {
        foreach (var p in _state)
        {
            if (!Guard.IsAllFinite(p.Values))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the guard's counters, reference losses and last good weights to a training checkpoint.</summary>
    public void Save(CheckpointWriter checkpoint)
    {
        var m = checkpoint.Metadata;
        m.Set("divergence.steps", _steps);
        m.Set("divergence.first_loss", _firstLoss);
        m.Set("divergence.best_epoch_loss", _bestEpochLoss);
        m.Set("divergence.last_good_epoch", _lastGoodEpoch);
        m.Set("divergence.last_good_batch", _lastGoodBatch);
        for (int i = 0; i < _state.Length; i++)
        {
            checkpoint.Tensor("divergence.last_good." + _state[i].Name, _lastGood[i]);
        }
    }

    /// <summary>Puts back what <see cref="Save"/> wrote.</summary>
    public void Restore(CheckpointReader checkpoint)
    {
        var m = checkpoint.Metadata;
        _steps = m.Integer("divergence.steps", 0, long.MaxValue);
        _firstLoss = m.Double("divergence.first_loss", allowNonFinite: true);
        _bestEpochLoss = m.Double("divergence.best_epoch_loss", allowNonFinite: true);
        _lastGoodEpoch = m.Int("divergence.last_good_epoch", 1);
        _lastGoodBatch = m.Int("divergence.last_good_batch", 1);
        for (int i = 0; i < _state.Length; i++)
        {
            checkpoint.Tensor("divergence.last_good." + _state[i].Name, _lastGood[i].Length).CopyTo(_lastGood[i], 0);
        }
    }

    /// <summary>Puts the last checkpoint back and describes the divergence (<paramref name="batch"/> 0: found at the end of the epoch).</summary>
    public TrainingDivergedException Diverged(int epoch, int batch, double loss)
    {
        Snapshot.Copy(_lastGood, _state);
        return new TrainingDivergedException(epoch, batch, loss, _lastGoodEpoch, _lastGoodBatch, double.IsFinite(loss) ? Limit : null, _factor);
    }
}
