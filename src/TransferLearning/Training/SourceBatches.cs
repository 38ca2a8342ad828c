using System.Runtime.ExceptionServices;
using TransferLearning.Data;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>
/// The mini-batches of a run from a <see cref="DataSource"/>: a background thread follows the <see cref="StreamingOrder"/>
/// epoch after epoch and gathers (reads and converts to float32) each mini-batch into one of a few slots while the
/// training thread computes on the one before — a bounded producer–consumer ring. Every buffer is allocated once.
/// </summary>
/// <remarks>
/// The training thread takes slots in order: <see cref="Gather"/> hands back the previous slot and waits for the next to
/// be filled. The worker starts with the first epoch (<see cref="StartEpoch"/>), after replaying the shuffles of the epochs a
/// resumed run skips (<see cref="SkipEpochs"/>), and fills slot <c>s mod S</c> for the <c>s</c>-th mini-batch of the run once the training thread has
/// handed it back. A failure on the worker (a malformed file) is rethrown, with its type and stack, by the next
/// <see cref="Gather"/>. <see cref="Dispose"/> stops the worker and waits for it.
/// </remarks>
internal sealed class SourceBatches : IMiniBatches, IDisposable
{
    private const int Slots = 3;

    private static long s_workerAllocatedBytes;

    private readonly DataSource _data;
    private readonly StreamingOrder _order;
    private readonly int[][] _indices = new int[Slots][];
    private readonly float[][] _input = new float[Slots][];
    private readonly int[][] _labels = new int[Slots][];
    private readonly float[][] _targets = new float[Slots][];
    private readonly int[] _counts = new int[Slots];
    private readonly SemaphoreSlim[] _filled = new SemaphoreSlim[Slots];
    private readonly SemaphoreSlim[] _free = new SemaphoreSlim[Slots];
    private readonly Thread _worker;
    private int _skippedEpochs;
    private bool _started;
    private volatile bool _stopping;
    private Exception? _error;
    private long _taken;
    private int _held = -1;

    public SourceBatches(DataSource data, int batchSize, bool shuffle, StreamingShuffle settings, Random random)
    {
        _data = data;
        Size = Math.Min(batchSize, data.Count);
        Count = (data.Count + Size - 1) / Size;
        _order = new StreamingOrder(data.Count, settings, shuffle ? random : null);
        for (int s = 0; s < Slots; s++)
        {
            _indices[s] = new int[Size];
            _input[s] = new float[data.FeatureCount * Size];
            _labels[s] = new int[data.IsClassification ? Size : 0];
            _targets[s] = new float[data.TargetCount * Size];
            _filled[s] = new SemaphoreSlim(0, 1);
            _free[s] = new SemaphoreSlim(1, 1);
        }

        _worker = new Thread(Produce) { IsBackground = true, Name = "TransferLearning mini-batch reader" };
    }

    /// <summary>Gets the bytes the workers of every run so far allocated after their first mini-batch (0 in steady state: what the allocation tests read).</summary>
    internal static long WorkerAllocatedBytes => Interlocked.Read(ref s_workerAllocatedBytes);

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public void StartEpoch()
    {
        // The worker starts each epoch itself, after the last mini-batch of the one before; it is started by the first epoch.
        if (!_started)
        {
            _started = true;
            _worker.Start();
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The worker has started (an epoch has).</exception>
    public void SkipEpochs(int epochs)
    {
        if (_started)
        {
            throw new InvalidOperationException("Epochs can only be skipped before the first one starts.");
        }

        _skippedEpochs += epochs; // replayed by the worker before it gathers the first mini-batch
    }

    /// <inheritdoc />
    public int CountOf(int b) => Math.Min(Size, _data.Count - (b * Size));

    /// <inheritdoc />
    public ReadOnlySpan<float> Gather(int b, out BatchTargets targets)
    {
        if (_held >= 0)
        {
            _free[_held].Release();
        }

        int slot = (int)(_taken++ % Slots);
        _filled[slot].Wait();
        _held = slot;
        if (_error is { } error)
        {
            _held = -1;
            ExceptionDispatchInfo.Capture(error).Throw();
        }

        int count = _counts[slot];
        targets = _data.IsClassification
            ? new BatchTargets(_labels[slot].AsSpan(0, count), default)
            : new BatchTargets(default, _targets[slot].AsSpan(0, count * _data.TargetCount));
        return _input[slot].AsSpan(0, count * _data.FeatureCount);
    }

    /// <summary>Stops the worker and waits for it.</summary>
    public void Dispose()
    {
        _stopping = true;
        foreach (var free in _free)
        {
            if (free.CurrentCount == 0)
            {
                free.Release();
            }
        }

        if (_started)
        {
            _worker.Join();
        }

        foreach (var semaphore in _filled.Concat(_free))
        {
            semaphore.Dispose();
        }
    }

    private void Produce()
    {
        long produced = 0;
        long before = 0;
        try
        {
            for (int e = 0; e < _skippedEpochs && !_stopping; e++)
            {
                _order.SkipEpoch();
            }

            while (!_stopping)
            {
                _order.StartEpoch();
                for (int b = 0; b < Count; b++)
                {
                    int slot = (int)(produced % Slots);
                    _free[slot].Wait();
                    if (_stopping)
                    {
                        return;
                    }

                    if (produced == 1)
                    {
                        before = GC.GetAllocatedBytesForCurrentThread(); // after the first mini-batch: pools and the JIT have warmed up
                    }

                    int n = _order.Next(_indices[slot]);
                    _data.Gather(
                        _indices[slot].AsSpan(0, n),
                        _input[slot].AsSpan(0, n * _data.FeatureCount),
                        _data.IsClassification ? _labels[slot].AsSpan(0, n) : default,
                        _data.IsClassification ? default : _targets[slot].AsSpan(0, n * _data.TargetCount));
                    _counts[slot] = n;
                    _filled[slot].Release();
                    produced++;
                }
            }
        }
        catch (Exception e) when (e is not ThreadInterruptedException)
        {
            _error = e;
            _filled[(int)(produced % Slots)].Release();
        }
        finally
        {
            if (produced > 1)
            {
                Interlocked.Add(ref s_workerAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }
    }
}
