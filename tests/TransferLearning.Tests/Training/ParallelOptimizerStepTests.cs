using TransferLearning.Compute;
using TransferLearning.Networks;
using TransferLearning.Tests.Compute;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

// Runs alone, so that no other test holds the worker pool (a busy pool runs the update on the caller's thread only).
[Collection(nameof(AllocationSensitive))]
public class ParallelOptimizerStepTests
{
    // Many parts of 16,384 and a ragged last part whose length is not a multiple of a vector's width. Many: with four,
    // the calling thread could finish them all before a sleeping worker woke, step after step on a loaded host (CI,
    // 2026-12-08: no part in 200 steps).
    private const int Length = (63 * 16384) + 1001;

    public static TheoryData<string> Kinds => ["Adam", "Adam with L2-SP", "SGD", "SGD with Nesterov momentum and L2-SP"];

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Step_LargeParameterOnTwoThreads_SameBitsAsOneThread(string kind)
    {
        var pool = GemmWorkerPool.Shared;
        Skip.If(pool.WorkerCount == 0, "One core: there is no worker thread here.");
        var (one, serial) = Make(kind);
        var (two, parallel) = Make(kind);
        serial.UpdateThreads = 1;
        parallel.UpdateThreads = 2;
        long before = pool.WorkerJobs;
        var random = new Random(5);

        // Parts go to whichever thread is free: step until the worker has taken some (at most 200 steps), every step checked.
        for (int step = 0; step < 3 || (pool.WorkerJobs == before && step < 200); step++)
        {
            for (int i = 0; i < Length; i++)
            {
                one.Gradient[i] = two.Gradient[i] = (float)(random.NextDouble() - 0.5);
            }

            serial.Step();
            parallel.Step();
            two.Values.ToArray().Should().Equal(one.Values.ToArray(), "step {0}: the same update on one thread or two", step);
        }

        (pool.WorkerJobs - before).Should().BeGreaterThan(0, "the worker took part of the updates");
        one.Values.ToArray().Should().NotEqual(Initial(), "the steps moved the weights");
    }

    [Fact]
    public void UpdateThreads_Zero_Throws()
    {
        var (_, optimizer) = Make("SGD");

        var act = () => optimizer.UpdateThreads = 0;

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("value");
    }

    private static float[] Initial() => Enumerable.Range(0, Length).Select(i => MathF.Sin(i * 0.01f)).ToArray();

    private static (Parameter Parameter, Optimizer Optimizer) Make(string kind)
    {
        var p = new Parameter("w", Length, 1, Initial());
        bool anchored = kind.Contains("L2-SP", StringComparison.Ordinal);
        var group = new ParameterGroup([p], weightDecay: 0.01f, anchorDecay: anchored ? 0.3f : 0f);
        OptimizerOptions options = kind.StartsWith("Adam", StringComparison.Ordinal)
            ? new AdamOptions { LearningRate = 0.01f }
            : new SgdOptions { LearningRate = 0.1f, Momentum = anchored ? 0.9f : 0f, Nesterov = anchored };
        return (p, options.Create([group]));
    }
}
