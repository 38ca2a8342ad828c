using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

[CollectionDefinition(nameof(AllocationSensitiveCollection), DisableParallelization = true)]
public sealed class AllocationSensitiveCollection
{
}

// Runs alone, so that no other test holds the worker pool: the large products must run on it.
[Collection(nameof(AllocationSensitiveCollection))]
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

        // Warm up until the workers have taken parts of these products (each grows its own buffers once, the
        // first time it packs a block of this size).
        GemmWorkerPool pool = GemmWorkerPool.Shared;
        long warmJobs = pool.WorkerJobs;
        for (int r = 0; r < 200 && (r < 2 || pool.WorkerJobs - warmJobs < 8); r++)
        {
            RunAll();
        }

        long thisThread = GC.GetAllocatedBytesForCurrentThread();
        long workerJobs = pool.WorkerJobs;
        long workerBytes = pool.WorkerAllocatedBytes;
        // Parts are claimed by whichever thread is free, so a short run may leave every part to the caller;
        // fifty rounds make it all but certain that the workers take some.
        for (int r = 0; r < 50; r++)
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
