using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// Tracks the best monitored loss (validation, else training) of a run, keeps the best weights when asked to
/// restore them, and says when <see cref="EarlyStoppingOptions.Patience"/> epochs passed without improvement.
/// </summary>
internal sealed class EarlyStoppingMonitor
{
    private readonly Parameter[] _state;
    private readonly EarlyStoppingOptions? _options;
    private readonly float[][]? _best;
    private double _bestLoss = double.PositiveInfinity;

    public EarlyStoppingMonitor(Parameter[] state, EarlyStoppingOptions? options)
    {
        _state = state;
        _options = options;
        _best = options is { RestoreBest: true } ? state.Select(p => new float[p.Length]).ToArray() : null;
    }

    /// <summary>Gets the epoch (from 1) with the best monitored loss, 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Records epoch <paramref name="epoch"/>'s monitored loss; returns true when training should stop.</summary>
    public bool ShouldStop(int epoch, double monitored)
    {
        if (monitored < _bestLoss - (_options?.MinDelta ?? 0))
        {
            _bestLoss = monitored;
            BestEpoch = epoch;
            if (_best is not null)
            {
                Snapshot.Copy(_state, _best);
            }

            return false;
        }

        return _options is not null && epoch - BestEpoch >= _options.Patience;
    }

    /// <summary>Writes the best loss, its epoch and the best weights (when kept) to a training checkpoint.</summary>
    public void Save(CheckpointWriter checkpoint)
    {
        checkpoint.Metadata.Set("early_stopping.best_loss", _bestLoss);
        checkpoint.Metadata.Set("early_stopping.best_epoch", BestEpoch);
        for (int i = 0; _best is not null && i < _state.Length; i++)
        {
            checkpoint.Tensor("early_stopping.best." + _state[i].Name, _best[i]);
        }
    }

    /// <summary>Puts back what <see cref="Save"/> wrote.</summary>
    public void Restore(CheckpointReader checkpoint)
    {
        _bestLoss = checkpoint.Metadata.Double("early_stopping.best_loss", allowNonFinite: true);
        BestEpoch = checkpoint.Metadata.Int("early_stopping.best_epoch", 0);
        for (int i = 0; _best is not null && i < _state.Length; i++)
        {
            checkpoint.Tensor("early_stopping.best." + _state[i].Name, _best[i].Length).CopyTo(_best[i], 0);
        }
    }

    /// <summary>Puts the best weights back when they are kept and are not the last; returns whether it did.</summary>
    public bool RestoreBest(int lastEpoch)
    {
        if (_best is null || BestEpoch == 0 || BestEpoch == lastEpoch)
        {
            return false;
        }

        Snapshot.Copy(_best, _state);
        return true;
    }
}
