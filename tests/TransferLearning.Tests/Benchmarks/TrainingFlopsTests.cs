using TransferLearning.Benchmarks.Workloads;

namespace TransferLearning.Tests.Benchmarks;

public class TrainingFlopsTests
{
    [Fact]
    public void EpochGflop_CountsEveryProductOfTheWorkloads()
    {
        int[] sizes = [784, 512, 256, 10];

        // W1: forward 535,040, weight gradients 535,040, input gradients above the first layer 133,632 multiply-adds.
        TrainingFlops.EpochGflop(sizes, 0, 60_000).Should().BeApproximately(2.0 * (535_040 + 535_040 + 133_632) * 60_000 / 1e9, 1e-9)
            .And.BeApproximately(144.4, 0.05);

        // W2: the body frozen: every forward product, the head's weight gradient, no input gradient.
        TrainingFlops.EpochGflop(sizes, 2, 60_000).Should().BeApproximately(2.0 * (535_040 + 2_560) * 60_000 / 1e9, 1e-9);

        // W2c's head epoch on cached features: the head's forward product and weight gradient.
        TrainingFlops.EpochGflop(sizes, 2, 60_000, firstComputed: 2).Should().BeApproximately(2.0 * (2_560 + 2_560) * 60_000 / 1e9, 1e-9);
    }
}
