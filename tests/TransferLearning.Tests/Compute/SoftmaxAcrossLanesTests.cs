using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

public class SoftmaxAcrossLanesTests
{
    [Theory]
    [InlineData(10, 32)]
    [InlineData(10, 16)]
    [InlineData(3, 4)]
    [InlineData(7, 13)]   // lanes past the last whole vector
    [InlineData(2, 1)]
    public void SoftmaxAcrossLanes_EqualsTheColumnSoftmaxOfEachExample(int outputs, int lanes)
    {
        var random = new Random(outputs * 100 + lanes);

        // Logits far from 0 (±60): without the shift by the maximum, exp would overflow or vanish.
        var block = Enumerable.Range(0, outputs * lanes).Select(_ => (float)((random.NextDouble() * 120) - 60)).ToArray();
        var expected = new float[block.Length];
        for (int r = 0; r < lanes; r++)
        {
            var column = Enumerable.Range(0, outputs).Select(o => block[(o * lanes) + r]).ToArray();
            var softmax = new float[outputs];
            Elementwise.Softmax(column, softmax, outputs);
            for (int o = 0; o < outputs; o++)
            {
                expected[(o * lanes) + r] = softmax[o];
            }
        }

        Elementwise.SoftmaxAcrossLanes(block, outputs, lanes);

        for (int i = 0; i < block.Length; i++)
        {
            block[i].Should().BeApproximately(expected[i], 1e-6f, "output {0} of example {1}", i / lanes, i % lanes);
        }

        for (int r = 0; r < lanes; r++)
        {
            Enumerable.Range(0, outputs).Sum(o => block[(o * lanes) + r]).Should().BeApproximately(1f, 1e-5f, "example {0}'s probabilities sum to 1", r);
        }
    }
}
