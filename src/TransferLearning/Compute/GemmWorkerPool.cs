using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace TransferLearning.Compute;

// A piece of work split into parts that may run at once on different threads.
internal interface IParallelWork
{
    void Execute(int part);
}

// A tiny fork/join pool: one dedicated background thread per extra core. Parts are claimed, not assigned:
// the calling thread and every awake worker take the next unclaimed part until none is left, so a worker
// that wakes late (a busy machine) costs nothing but the parts it did not take, and the caller only waits
// for parts already running. The caller claims from the front (part 0 up), the workers from the back (the last
// part down): with the second core free the two meet near the middle on every call, so each core runs about the
// same parts each time and keeps their weights in its own L2 (a core's 1 MB L2 cannot hold a 784 → 512 layer's
// 1.6 MB, its half can). A worker spins briefly after each job (products come in bursts) and then
// sleeps on a monitor: for the first 20 µs it polls tightly, then, until 200 µs, it yields its core every other
// round: on a busy machine the caller may be queued on the same core, and a worker that spun without yielding
// held it up for the whole spin (a W4 p99 of 250 µs, 200 µs of it this spin, in the benchmarks' quick mode); the
// tight polling holds it up for 20 µs at most. Nothing is allocated per job. One caller at a time: TryAcquire
// fails while another thread holds the pool, and that caller should do its work on its own thread.
internal sealed class GemmWorkerPool
{
    private const int MaxParts = 1 << 15;

    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    // For this long after a job the worker polls for the next without pausing long or yielding: the products of
    // one prediction come a few µs apart. W4's median 8.85 → 8.5 µs and W5 on images 63.8 → 63.2 µs (seven
    // alternating rounds each); a spin of 20 pauses between polls had found a job about 0.7 µs after it came.
    // Training too: W1 0.444–0.458 against 0.450–0.458 s, W1a 0.970–0.996 against 0.995–1.012 s (five rounds).
    private static readonly long TightTicks = Stopwatch.Frequency / 50000; // 20 µs

    private static readonly Lazy<GemmWorkerPool> LazyShared =
        new(() => new GemmWorkerPool(Environment.ProcessorCount - 1), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly object _startGate = new();
    private readonly object _doneGate = new();
    private readonly long[] _workerJobs;
    private readonly long[] _workerAllocatedBytes;
    private int _busy;

    // The job word: generation (high 32 bits) | one past the last unclaimed part (bits 16..31, the workers'
    // end) | the first unclaimed part (bits 0..15, the caller's end). No part is left when the two ends meet.
    private long _claim;
    private int _parts;
    private int _workers;   // how many workers may take parts of the current job
    private int _completed;
    private int _startSleepers;
    private int _doneSleeping;
    private IParallelWork? _work;
    private ExceptionDispatchInfo? _error;

    [ThreadStatic]
    private static bool _isWorkerThread;

    // True on the pool's worker threads (they claim parts from the back).
    public static bool IsWorkerThread => _isWorkerThread;

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
    // (as of the end of their last part); counted only in the test process (TestHooks), 0 elsewhere.
    public long WorkerJobs => Sum(_workerJobs);

    public long WorkerAllocatedBytes => Sum(_workerAllocatedBytes);

    public long JobsOf(int worker) => Volatile.Read(ref _workerJobs[worker]);

    public bool TryAcquire() => WorkerCount > 0 && Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Release() => Volatile.Write(ref _busy, 0);

    // Runs parts 0 .. parts-1 of the work on this thread and at most `maxThreads - 1` workers (the first ones;
    // the others sit the job out); returns when all are done. The caller must hold the pool (TryAcquire).
    public void Run(IParallelWork work, int parts, int maxThreads = int.MaxValue)
    {
        Debug.Assert(Volatile.Read(ref _busy) == 1, "The pool must be acquired.");
        if (parts <= 1)
        {
            if (parts == 1)
            {
                work.Execute(0);
            }

            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        _work = work;
        _error = null;
        Volatile.Write(ref _completed, 0);
        _parts = parts;
        _workers = maxThreads - 1;
        long generation = ((Volatile.Read(ref _claim) >> 32) + 1) & 0x7FFFFFFF;
        Interlocked.Exchange(ref _claim, (generation << 32) | ((long)parts << 16));
        if (Volatile.Read(ref _startSleepers) != 0)
        {
            lock (_startGate)
            {
                Monitor.PulseAll(_startGate);
            }
        }

        try
        {
            RunParts(work, generation, isWorker: false);
        }
        finally
        {
            WaitForParts(parts);
            _work = null;
        }

        _error?.Throw();
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

    // Claims and runs parts of job `generation` until none is left, from the front (the caller) or from the back
    // (a worker); returns how many it ran.
    private int RunParts(IParallelWork work, long generation, bool isWorker)
    {
        int ran = 0;
        int parts = Volatile.Read(ref _parts);
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            int front = (int)(claim & 0xFFFF);
            int back = (int)((claim >> 16) & 0xFFFF);
            if ((claim >> 32) != generation || front >= back)
            {
                return ran;
            }

            int part = isWorker ? back - 1 : front;
            long claimed = isWorker ? claim - (1L << 16) : claim + 1;
            if (Interlocked.CompareExchange(ref _claim, claimed, claim) != claim)
            {
                continue;
            }

            try
            {
                work.Execute(part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                ran++;
                if (Interlocked.Increment(ref _completed) == parts && isWorker && Volatile.Read(ref _doneSleeping) != 0)
                {
                    lock (_doneGate)
                    {
                        Monitor.PulseAll(_doneGate);
                    }
                }
            }
        }
    }

    private void WaitForParts(int parts)
    {
        long start = Stopwatch.GetTimestamp();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _completed) != parts)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            lock (_doneGate)
            {
                Interlocked.Exchange(ref _doneSleeping, 1);
                while (Volatile.Read(ref _completed) != parts)
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
        _isWorkerThread = true;

        // What the thread allocated starting up is not the work's: record it now, not with the first part.
        if (TestHooks.Enabled)
        {
            Volatile.Write(ref _workerAllocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
        }

        bool tookPart = false;
        while (true)
        {
            seen = WaitForJob(seen, tight: tookPart);
            IParallelWork? work = Volatile.Read(ref _work);
            tookPart = false;
            if (work is null || index >= Volatile.Read(ref _workers))
            {
                continue;
            }

            tookPart = true;

            int ran = RunParts(work, seen, isWorker: true);
            if (TestHooks.Enabled && ran > 0)
            {
                Volatile.Write(ref _workerAllocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref _workerJobs[index], _workerJobs[index] + ran);
            }
        }
    }

    // Waits for a job newer than `seen` and returns its generation; `tight`: polls tightly for the first 20 µs (a
    // worker that took part in the last job; one that sat it out would only contend for the job word).
    private long WaitForJob(long seen, bool tight)
    {
        long start = Stopwatch.GetTimestamp();
        int spins = 0;
        while (true)
        {
            long generation = Volatile.Read(ref _claim) >> 32;
            if (generation != seen)
            {
                return generation;
            }

            if (Stopwatch.GetTimestamp() - start < SpinTicks)
            {
                if (tight && Stopwatch.GetTimestamp() - start < TightTicks)
                {
                    Thread.SpinWait(1);
                }
                else if ((++spins & 1) == 0)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.SpinWait(20);
                }

                continue;
            }

            lock (_startGate)
            {
                Interlocked.Increment(ref _startSleepers);
                while ((Volatile.Read(ref _claim) >> 32) == seen)
                {
                    Monitor.Wait(_startGate);
                }

                Interlocked.Decrement(ref _startSleepers);
            }
        }
    }
}
