using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive
{
}

// Runs alone, so that no other test holds the worker pool: the large products must run on it.
[Collection(nameof(AllocationSensitive))]
public class GemmAllocationTests
{
    [Fact]
    public void Gemm_SteadyState_AllocatesNothingOnAnyThread()
    {
        ComputeBackend backend = ComputeBackend.Managed;

        // One product small enough for the calling thread alone, one large enough for the worker pool.
        var shapes = new[] { (M: 17, N: 33, K: 5), (M: 150, N: 64, K: 200) };
        var operands = shapes.Select(s => (s.M, s.N, s.K, A: new float[s.M * s.K], B: new float[s.K * s.N], C: new float[s.M * s.N])).ToArray();

        void RunAll()
        {
            foreach (var (m, n, k, a, b, c) in operands)
            {
                backend.Gemm(false, false, m, n, k, 1f, a, m, b, k, 0f, c, m);
                backend.Gemm(true, false, m, n, k, 1f, a, k, b, k, 1f, c, m);
                backend.Gemm(false, true, m, n, k, 1f, a, m, b, n, 0.5f, c, m);
                backend.Gemm(true, true, m, n, k, 2f, a, k, b, n, 0f, c, m);
            }
        }

        // Warm up until every worker has run parts of every product (its first runs JIT and allocate): on a
        // busy machine the caller may take every part of the first rounds.
        GemmWorkerPool pool = GemmWorkerPool.Shared;
        long warm = pool.WorkerJobs;
        for (int r = 0; r < 2 || (pool.WorkerCount > 0 && pool.WorkerJobs - warm < 64 && r < 500); r++)
        {
            RunAll();
        }

        long thisThread = GC.GetAllocatedBytesForCurrentThread();
        long workerJobs = pool.WorkerJobs;
        long workerBytes = pool.WorkerAllocatedBytes;
        // Parts are claimed by whichever thread is free, so a short run may leave every part to the caller;
        // run at least fifty rounds, and more (up to 500) until the workers have taken some.
        for (int r = 0; r < 50 || (pool.WorkerCount > 0 && pool.WorkerJobs == workerJobs && r < 500); r++)
        {
            RunAll();
        }

        (GC.GetAllocatedBytesForCurrentThread() - thisThread).Should().Be(0, "the calling thread must not allocate");
        if (pool.WorkerCount > 0)
        {
            (pool.WorkerJobs - workerJobs).Should().BeGreaterThan(0, "the large products run on the worker pool");
            (pool.WorkerAllocatedBytes - workerBytes).Should().Be(0, "the pool's workers must not allocate");
        }
    }
}
