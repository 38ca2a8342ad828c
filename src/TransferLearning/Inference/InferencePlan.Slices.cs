using TransferLearning.Compute;

namespace TransferLearning.Inference;

/// <summary>A large batch, cut into slices that this thread and the worker pool run.</summary>
internal sealed partial class InferencePlan
{
    /// <summary>A large batch cut into <see cref="BatchSlices"/>; each slice runs <see cref="RunBatch"/> on one thread.</summary>
    private readonly unsafe struct ExampleSlices(InferencePlan plan, LayerRange range, GemmKernelKind kernel, float* x, int columns, float* output, float* z)
    {
        private readonly BatchSlices _slices = new(columns, LargeBatchSlice);

        public int Count => _slices.Count;

        /// <summary>
        /// Runs slices <paramref name="first"/> .. <paramref name="end"/> − 1, upwards or downwards; false when one
        /// of them holds NaN or ±∞ (the rest are skipped).
        /// </summary>
        public bool Run(int first, int end, bool upwards)
        {
            int inputs = range.InputRows;
            int outputs = range.OutputRows;
            for (int i = 0; i < end - first; i++)
            {
                int slice = upwards ? first + i : end - 1 - i;

                // The slice this thread runs next (the caller claims upwards, a worker downwards): its examples are
                // fetched into L2 while this one computes, so that its input check does not wait on memory.
                int next = upwards ? slice + 1 : slice - 1;
                float* prefetch = null;
                int prefetchFloats = 0;
                if (next >= 0 && next < Count)
                {
                    var (nextFirst, nextCount) = _slices.Bounds(next);
                    prefetch = x + ((nint)nextFirst * inputs);
                    prefetchFloats = nextCount * inputs;
                }

                var (start, count) = _slices.Bounds(slice);
                float* sliceZ = z == null ? null : z + ((nint)start * outputs);
                if (!plan.RunBatch(
                    range, kernel, 1, x + ((nint)start * inputs), count, output + ((nint)start * outputs), sliceZ, prefetch, prefetchFloats))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// The slices of one large batch as the pool's work: a part per slice, or per run of slices when there are
    /// more than the pool takes in one job. Guarded by the pool's lock.
    /// </summary>
    private sealed class SlicesJob : IParallelWork
    {
        private const int MaxParts = 4096;

        private ExampleSlices _slices;
        private int _nonFinite;

        public int Parts { get; private set; }

        /// <summary>False when a slice found NaN or ±∞ in its examples (the slices after it are skipped).</summary>
        public bool AllFinite => Volatile.Read(ref _nonFinite) == 0;

        public void Prepare(in ExampleSlices slices)
        {
            _slices = slices;
            _nonFinite = 0;
            Parts = Math.Min(slices.Count, MaxParts);
        }

        public void Clear() => _slices = default;

        public void Execute(int part)
        {
            int first = (int)((long)_slices.Count * part / Parts);
            int end = (int)((long)_slices.Count * (part + 1) / Parts);
            if (AllFinite && !_slices.Run(first, end, upwards: !GemmWorkerPool.IsWorkerThread))
            {
                Volatile.Write(ref _nonFinite, 1);
            }
        }
    }
}
