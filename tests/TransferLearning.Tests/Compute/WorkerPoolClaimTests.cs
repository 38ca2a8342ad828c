using System.Collections.Concurrent;
using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

// Runs alone, so that no other test holds the GEMM worker pool.
[Collection(nameof(AllocationSensitive))]
public class WorkerPoolClaimTests
{
    [SkippableFact]
    public void Run_CallerClaimsFromTheFrontAndWorkersFromTheBack_EveryPartOnce()
    {
        var pool = GemmWorkerPool.Shared;
        Skip.If(pool.WorkerCount == 0, "One core: the pool has no worker thread here.");
        const int Parts = 64;
        bool workerTookParts = false;

        // A worker may wake too late to take more than a part on a busy machine: repeat (every job checked) until
        // one took two or more, in the order it claimed them.
        for (int round = 0; round < 200 && !workerTookParts; round++)
        {
            var work = new RecordingWork(Environment.CurrentManagedThreadId);
            pool.TryAcquire().Should().BeTrue("no other test holds the pool");
            try
            {
                pool.Run(work, Parts);
            }
            finally
            {
                pool.Release();
            }

            var caller = work.CallerParts.ToList();
            var workers = work.WorkerParts.ToList();
            caller.Concat(workers.Select(w => w.Part)).Should().BeEquivalentTo(Enumerable.Range(0, Parts), "every part runs exactly once");
            caller.Should().Equal(Enumerable.Range(0, caller.Count), "the caller claims parts 0, 1, 2 … in order");
            workers.Select(w => w.Part).Order().Should().Equal(Enumerable.Range(caller.Count, Parts - caller.Count), "the workers take the parts at the back");
            foreach (var worker in workers.GroupBy(w => w.Thread))
            {
                var order = worker.Select(w => w.Part).ToList();
                order.Should().BeInDescendingOrder("a worker claims the last unclaimed part each time");
                workerTookParts |= order.Count >= 2;
            }
        }

        workerTookParts.Should().BeTrue("a worker took two or more parts of one of 200 jobs");
    }

    [SkippableFact]
    public void Run_WithMaxThreadsOne_RunsEveryPartOnTheCaller()
    {
        var pool = GemmWorkerPool.Shared;
        Skip.If(pool.WorkerCount == 0, "One core: the pool has no worker thread here.");
        for (int round = 0; round < 20; round++)
        {
            var work = new RecordingWork(Environment.CurrentManagedThreadId);
            pool.TryAcquire().Should().BeTrue("no other test holds the pool");
            try
            {
                pool.Run(work, 16, maxThreads: 1);
            }
            finally
            {
                pool.Release();
            }

            work.CallerParts.Should().Equal(Enumerable.Range(0, 16), "a job limited to one thread runs on the caller alone");
            work.WorkerParts.Should().BeEmpty();
        }
    }

    // Records which thread ran each part; a part takes about 20 µs, so that a worker has time to wake.
    private sealed class RecordingWork(int callerThread) : IParallelWork
    {
        public ConcurrentQueue<int> CallerParts { get; } = new();

        // In the order the parts started.
        public ConcurrentQueue<(int Thread, int Part)> WorkerParts { get; } = new();

        public void Execute(int part)
        {
            int thread = Environment.CurrentManagedThreadId;
            if (thread == callerThread)
            {
                CallerParts.Enqueue(part);
            }
            else
            {
                WorkerParts.Enqueue((thread, part));
            }

            var spin = System.Diagnostics.Stopwatch.StartNew();
            while (spin.Elapsed.TotalMicroseconds < 20)
            {
            }
        }
    }
}
