using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace TransferLearning.Compute;

// A piece of work split into parts that run at once, part 0 on the calling thread.
internal interface IParallelWork
{
    void Execute(int part);
}

// A tiny fork/join pool: one dedicated background thread per extra core, woken by a generation counter.
// A worker spins briefly after each job (GEMM calls come in bursts) and then sleeps on a monitor. Nothing
// is allocated per job. One caller at a time: TryAcquire fails while another thread holds the pool, and
// that caller should then do its work on its own thread.
internal sealed class GemmWorkerPool
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private static readonly Lazy<GemmWorkerPool> LazyShared =
        new(() => new GemmWorkerPool(Environment.ProcessorCount - 1), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly object _startGate = new();
    private readonly long[] _workerJobs;
    private readonly long[] _workerAllocatedBytes;
    private readonly object _doneGate = new();
    private int _busy;
    private long _generation;
    private int _startSleepers;
    private int _doneSleeping;
    private int _pending;
    private int _parts;
    private IParallelWork? _work;
    private ExceptionDispatchInfo? _error;

    private GemmWorkerPool(int workers)
    {
        WorkerCount = Math.Max(0, workers);
        _workerJobs = new long[WorkerCount];
        _workerAllocatedBytes = new long[WorkerCount];
        for (int i = 0; i < WorkerCount; i++)
        {
            var thread = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"TransferLearning GEMM worker {i + 1}",
            };
            thread.Start(i);
        }
    }

    public static GemmWorkerPool Shared => LazyShared.Value;

    public int WorkerCount { get; }

    // Diagnostics for tests: parts run by the workers so far, and the bytes the worker threads have allocated
    // (as of the end of their last part).
    public long WorkerJobs => Sum(_workerJobs);

    public long WorkerAllocatedBytes => Sum(_workerAllocatedBytes);

    public bool TryAcquire() => WorkerCount > 0 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Release() => Volatile.Write(ref _busy, 0);

    // Runs parts 0 .. parts-1 of the work, part 0 on this thread; returns when all are done. The caller must
    // hold the pool (TryAcquire) and parts must not exceed WorkerCount + 1.
    public void Run(IParallelWork work, int parts)
    {
        Debug.Assert(Volatile.Read(ref _busy) == 1, "The pool must be acquired.");
        Debug.Assert(parts >= 1 && parts <= WorkerCount + 1, "Too many parts.");
        if (parts == 1)
        {
            work.Execute(0);
            return;
        }

        _work = work;
        _parts = parts;
        _error = null;
        Volatile.Write(ref _pending, parts - 1);
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _startSleepers) != 0)
        {
            lock (_startGate)
            {
                Monitor.PulseAll(_startGate);
            }
        }

        try
        {
            work.Execute(0);
        }
        finally
        {
            WaitForWorkers();
            _work = null;
        }

        _error?.Throw();
    }

    private void WaitForWorkers()
    {
        long start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            lock (_doneGate)
            {
                Interlocked.Exchange(ref _doneSleeping, 1);
                while (Volatile.Read(ref _pending) != 0)
                {
                    Monitor.Wait(_doneGate);
                }

                Interlocked.Exchange(ref _doneSleeping, 0);
            }
        }
    }

    private void WorkerLoop(object? state)
    {
        int index = (int)state!;
        long seen = 0;
        while (true)
        {
            seen = WaitForJob(seen);
            if (index + 1 >= Volatile.Read(ref _parts))
            {
                continue;
            }

            try
            {
                _work!.Execute(index + 1);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }

            Volatile.Write(ref _workerAllocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
            Volatile.Write(ref _workerJobs[index], _workerJobs[index] + 1);
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _doneSleeping) != 0)
            {
                lock (_doneGate)
                {
                    Monitor.PulseAll(_doneGate);
                }
            }
        }
    }

    private long WaitForJob(long seen)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            long generation = Volatile.Read(ref _generation);
            if (generation != seen)
            {
                return generation;
            }

            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                Thread.SpinWait(20);
                continue;
            }

            lock (_startGate)
            {
                Interlocked.Increment(ref _startSleepers);
                while (Volatile.Read(ref _generation) == seen)
                {
                    Monitor.Wait(_startGate);
                }

                Interlocked.Decrement(ref _startSleepers);
            }
        }
    }

    private static long Sum(long[] values)
    {
        long sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += Volatile.Read(ref values[i]);
        }

        return sum;
    }
}
