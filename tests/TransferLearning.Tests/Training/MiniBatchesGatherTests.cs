using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Tests.Compute;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>A shuffled batch is gathered column by column, on the worker pool's threads too when it is large: the same columns either way.</summary>
[Collection(nameof(AllocationSensitive))]
public class MiniBatchesGatherTests
{
    [Theory]
    [InlineData(784, 128, 2)]   // 100,352 values: gathered on the pool (parts of 16 columns; the epoch's last batch 44 columns)
    [InlineData(784, 100, 2)]   // a last part of 4 columns
    [InlineData(784, 128, 1)]   // one thread allowed: on the calling thread
    [InlineData(10, 128, 2)]    // 1,280 values: on the calling thread
    public void Gather_Shuffled_CopiesEachExamplesColumnAndLabel(int features, int batchSize, int threads)
    {
        const int count = 300;
        var x = new float[features * count];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i;   // column j holds j·features .. j·features + features − 1
        }

        var labels = Enumerable.Range(0, count).Select(j => j % 7).ToArray();
        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(features, count, x), labels, 7);
        var batches = new MiniBatches(data, batchSize, shuffle: true, new Xoshiro256StarStar(5), threads);
        batches.StartEpoch();
        var seen = new HashSet<int>();

        for (int b = 0; b < batches.Count; b++)
        {
            var input = batches.Gather(b, out var targets).ToArray();
            int size = batches.CountOf(b);
            input.Length.Should().Be(size * features);
            for (int j = 0; j < size; j++)
            {
                int example = (int)input[j * features] / features;
                seen.Add(example).Should().BeTrue($"example {example} is gathered once per epoch");
                input.AsSpan(j * features, features).ToArray().Should().Equal(
                    Enumerable.Range(example * features, features).Select(v => (float)v), $"batch {b}, column {j} is example {example}'s");
                targets.Labels[j].Should().Be(example % 7);
            }
        }

        seen.Should().HaveCount(count);
    }
}
