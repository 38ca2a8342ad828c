using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>
/// The mini-batches of one training run: a seeded shuffle of the example order every epoch, and the
/// gathering of a batch's columns, labels and targets into buffers sized once (unshuffled batches are used in place).
/// </summary>
internal sealed unsafe class MiniBatches : IMiniBatches
{
    // A shuffled batch of at least this many values is gathered on the GEMM worker pool's threads too: its columns lie
    // anywhere in a large data set, and one thread waits on one cache miss after another.
    private const int ParallelGatherValues = 1 << 15;

    private readonly GatherJob _gatherJob = new();
    private readonly int _maxThreads;
    private readonly Dataset _data;
    private readonly bool _shuffle;
    private readonly Random _random;
    private readonly int[] _order;
    private readonly float[] _input;
    private readonly int[] _labels;
    private readonly float[] _targets;

    public MiniBatches(Dataset data, int batchSize, bool shuffle, Random random, int maxThreads = 1)
    {
        _data = data;
        _maxThreads = maxThreads;
        _shuffle = shuffle;
        _random = random;
        Size = Math.Min(batchSize, data.Count);
        Count = (data.Count + Size - 1) / Size;
        _order = Enumerable.Range(0, data.Count).ToArray();
        _input = new float[data.FeatureCount * Size];
        _labels = new int[Size];
        _targets = new float[data.TargetCount * Size];
    }

    /// <summary>Gets the size of a full mini-batch (the last one may be smaller).</summary>
    public int Size { get; }

    /// <summary>Gets the number of mini-batches per epoch.</summary>
    public int Count { get; }

    /// <summary>Starts an epoch: a new seeded order when shuffling.</summary>
    public void StartEpoch()
    {
        if (_shuffle)
        {
            Dataset.Shuffle(_order, _random);
        }
    }

    /// <inheritdoc />
    public void SkipEpochs(int epochs)
    {
        for (int e = 0; e < epochs; e++)
        {
            StartEpoch();
        }
    }

    /// <summary>The number of examples in mini-batch <paramref name="b"/> (from 0).</summary>
    public int CountOf(int b) => Math.Min(Size, _data.Count - (b * Size));

    /// <summary>Gathers mini-batch <paramref name="b"/>: its features (one column per example) and its targets.</summary>
    public ReadOnlySpan<float> Gather(int b, out BatchTargets targets)
    {
        int start = b * Size;
        int count = CountOf(b);
        int n = _data.FeatureCount;
        int t = _data.TargetCount;
        var features = _data.FeatureData;
        var labels = _data.LabelArray;
        var values = _data.TargetArray;
        ReadOnlySpan<float> input;
        if (!_shuffle)
        {
            labels?.AsSpan(start, count).CopyTo(_labels);
            values?.AsSpan(start * t, count * t).CopyTo(_targets);
            input = features.Slice(start * n, count * n);
        }
        else
        {
            if (!GatherInParallel(features, start, count, n))
            {
                for (int j = 0; j < count; j++)
                {
                    features.Slice(_order[start + j] * n, n).CopyTo(_input.AsSpan(j * n, n));
                }
            }

            for (int j = 0; j < count; j++)
            {
                int src = _order[start + j];
                if (labels is not null)
                {
                    _labels[j] = labels[src];
                }
                else
                {
                    values.AsSpan(src * t, t).CopyTo(_targets.AsSpan(j * t, t));
                }
            }

            input = _input.AsSpan(0, count * n);
        }

        targets = _data.IsClassification
            ? new BatchTargets(_labels.AsSpan(0, count), default)
            : new BatchTargets(default, _targets.AsSpan(0, t * count));
        return input;
    }

    // Copies the batch's columns on the calling thread and the worker pool's, at most the training backend's threads
    // (parts of 16 columns, or more for a huge batch: at most 256 parts); false when the batch is small, one thread is
    // allowed, or the pool is busy (the caller copies them itself).
    private bool GatherInParallel(ReadOnlySpan<float> features, int start, int count, int n)
    {
        var pool = GemmWorkerPool.Shared;
        if ((long)count * n < ParallelGatherValues || _maxThreads < 2 || pool.WorkerCount == 0 || !pool.TryAcquire())
        {
            return false;
        }

        try
        {
            fixed (float* from = features)
            fixed (float* to = _input)
            fixed (int* order = _order)
            {
                int columns = Math.Max(GatherJob.Columns, (count + 255) / 256);
                _gatherJob.Prepare(from, to, order + start, count, n, columns);
                pool.Run(_gatherJob, (count + columns - 1) / columns, _maxThreads);
            }

            return true;
        }
        finally
        {
            _gatherJob.Clear();
            pool.Release();
        }
    }

    // Columns c·part .. c·part + c − 1 of a batch (c = 16 or more): to[j·n ..] ← from[order[j]·n ..]. Guarded by the pool's lock.
    private sealed class GatherJob : IParallelWork
    {
        public const int Columns = 16;

        private float* _from;
        private float* _to;
        private int* _order;
        private int _count;
        private int _n;
        private int _columns;

        public void Prepare(float* from, float* to, int* order, int count, int n, int columns)
        {
            _columns = columns;
            _from = from;
            _to = to;
            _order = order;
            _count = count;
            _n = n;
        }

        public void Clear()
        {
            _from = null;
            _to = null;
            _order = null;
        }

        public void Execute(int part)
        {
            int end = (int)Math.Min(_count, (long)(part + 1) * _columns);
            for (int j = part * _columns; j < end; j++)
            {
                new ReadOnlySpan<float>(_from + ((nint)_order[j] * _n), _n).CopyTo(new Span<float>(_to + ((nint)j * _n), _n));
            }
        }
    }
}
