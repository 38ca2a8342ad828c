using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

[CollectionDefinition(nameof(AllocationSensitiveCollection), DisableParallelization = true)]
public sealed class AllocationSensitiveCollection
{
}

// Runs alone (no other test allocates meanwhile), so that the process-wide allocation counter, which also
// sees the worker threads, can be read exactly.
[Collection(nameof(AllocationSensitiveCollection))]
public class GemmAllocationTests
{
    [Fact]
    public void Gemm_SteadyState_AllocatesNothingOnAnyThread()
    {
        ComputeBackend backend = ComputeBackend.Managed;

        // One product small enough for the calling thread alone, one large enough for the worker pool.
        var shapes = new[] { (M: 17, N: 33, K: 5), (M: 200, N: 96, K: 300) };
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

        RunAll();
        RunAll();

        long thisThread = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        (GC.GetAllocatedBytesForCurrentThread() - thisThread).Should().Be(0, "the calling thread must not allocate");

        // The process-wide counter can see an unrelated allocation (the test host's own threads), so a few
        // attempts are allowed: a backend that allocates per call would allocate in every one.
        long lastDelta = -1;
        for (int attempt = 0; attempt < 5 && lastDelta != 0; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int r = 0; r < 10; r++)
            {
                RunAll();
            }

            lastDelta = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        lastDelta.Should().Be(0, "no thread may allocate in steady state");
    }
}
