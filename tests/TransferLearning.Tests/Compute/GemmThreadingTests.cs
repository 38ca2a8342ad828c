using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

// Runs alone, so that no other test holds the GEMM worker pool (a busy pool runs a product on the caller's thread only).
[Collection(nameof(AllocationSensitive))]
public class GemmThreadingTests
{
    [SkippableFact]
    public void Gemm_LargeProduct_UsesEveryThreadAndMatchesReference()
    {
        var pool = GemmWorkerPool.Shared;
        Skip.If(pool.WorkerCount == 0, "One core: the managed GEMM has no worker thread here.");
        var before = Enumerable.Range(0, pool.WorkerCount).Select(pool.JobsOf).ToArray();

        // Crosses every block size at once: several k blocks, m blocks and a ragged edge in each dimension.
        var first = GemmCase.Random(false, false, 300, 77, 400, 1f, 0f, pad: 5, seed: 7);
        var second = GemmCase.Random(true, true, 77, 300, 400, 1f, 0.5f, pad: 0, seed: 8);

        // Parts go to whichever thread is free, so on a busy machine one product may all run on the caller:
        // repeat (every result checked) until each worker has taken a part, or give up after 200 rounds.
        for (int round = 0; round < 200 && Enumerable.Range(0, pool.WorkerCount).Any(w => pool.JobsOf(w) == before[w]); round++)
        {
            first.AssertBackend(ComputeBackend.Managed);
            second.AssertBackend(ComputeBackend.Managed);
        }

        for (int w = 0; w < pool.WorkerCount; w++)
        {
            (pool.JobsOf(w) - before[w]).Should().BeGreaterThan(0, "worker {0} of {1} took part of the products", w + 1, pool.WorkerCount);
        }
    }
}
