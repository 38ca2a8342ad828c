using TransferLearning.Compute;
using TransferLearning.Inference;

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

    [SkippableFact]
    public unsafe void SparseBatchProduct_SplitBetweenTheThreads_MatchesOneThread()
    {
        var pool = GemmWorkerPool.Shared;
        Skip.If(pool.WorkerCount == 0, "One core: there is no worker thread here.");
        Skip.IfNot(SparseBatchGemm.IsSupported, "This CPU has no AVX-512 (used by .NET's vectors).");
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(3);
        var w = Enumerable.Range(0, 512 * 784).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var x = Enumerable.Range(0, 784 * 32).Select(i => i % 784 % 2 == 0 ? 0f : (float)random.NextDouble()).ToArray();
        var packed = PackedWeights.Pack(GemmKernelKind.Avx512, 32, w, 512, 784, b, 1, 1);
        var one = new float[32 * 512];
        var two = new float[32 * 512];
        long before = pool.WorkerJobs;
        fixed (float* px = x)
        fixed (float* p1 = one)
        fixed (float* p2 = two)
        {
            SparseBatchGemm.Multiply(packed, px, 784, 32, p1, 0f, maxThreads: 1);

            // Blocks go to whichever thread is free: repeat until the worker has taken one (at most 200 rounds).
            for (int round = 0; round < 200 && pool.WorkerJobs == before; round++)
            {
                SparseBatchGemm.Multiply(packed, px, 784, 32, p2, 0f, maxThreads: 2);
                two.Should().Equal(one, "round {0}: split or not, the same sums", round);
            }
        }

        (pool.WorkerJobs - before).Should().BeGreaterThan(0, "the worker took row blocks of the sparse product");
    }
}
