using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Networks;
using TransferLearning.Tests.Compute;

namespace TransferLearning.Tests.Networks;

// Runs alone, so that no other test holds the GEMM worker pool or allocates on it.
[Collection(nameof(AllocationSensitive))]
public class InferenceAllocationTests
{
    [Theory]
    [InlineData("Predict(span)")]
    [InlineData("PredictClass")]
    [InlineData("PredictBatch(32)")]
    [InlineData("PredictBatch(200)")]
    [InlineData("PredictBatch(32), half zero")]    // the sparse path on AVX-512
    [InlineData("PredictBatch(200), half zero")]
    [InlineData("Predict(Matrix, Matrix)")]
    public void Predict_AfterWarmUp_AllocatesNothingPerCall(string path)
    {
        var network = InferenceTests.BenchmarkShapedNetwork(ComputeBackend.Default);
        var x = InferenceTests.Examples(200, 784, seed: 1);
        var halfZero = x.Select((v, i) => i % 2 == 0 ? 0f : v).ToArray();
        var output = new float[10 * 200];
        var matrix = Matrix<float>.Build.Dense(784, 16, x.AsSpan(0, 784 * 16).ToArray());
        var result = Matrix<float>.Build.Dense(10, 16);
        int classes = 0;
        Action call = path switch
        {
            "Predict(span)" => () => network.Predict(x.AsSpan(0, 784), output.AsSpan(0, 10)),
            "PredictClass" => () => classes += network.PredictClass(x.AsSpan(0, 784)),
            "PredictBatch(32)" => () => network.PredictBatch(x.AsSpan(0, 784 * 32), output.AsSpan(0, 320)),
            "PredictBatch(200)" => () => network.PredictBatch(x, output),
            "PredictBatch(32), half zero" => () => network.PredictBatch(halfZero.AsSpan(0, 784 * 32), output.AsSpan(0, 320)),
            "PredictBatch(200), half zero" => () => network.PredictBatch(halfZero, output),
            _ => () => network.Predict(matrix, result),
        };
        for (int i = 0; i < 20; i++)
        {
            call();
        }

        // A cost per call shows in every window of 200 calls; a one-off (a worker thread's first part, a pool
        // trimmed by a GC) in one window at most. So: the smallest of three windows must be zero.
        var windows = Enumerable.Range(0, 3).Select(_ => AllocatedIn(200, call)).ToList();

        windows.Min().Should().Be(0, $"{path} should allocate nothing per call after warm-up (bytes per window of 200 calls: {string.Join(", ", windows)})");
    }

    private static long AllocatedIn(int calls, Action call)
    {
        var pool = GemmWorkerPool.Shared;
        long workers = pool.WorkerAllocatedBytes;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before + (pool.WorkerAllocatedBytes - workers);
    }
}
