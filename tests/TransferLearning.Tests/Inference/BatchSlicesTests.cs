using TransferLearning.Inference;

namespace TransferLearning.Tests.Inference;

public class BatchSlicesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(65)]
    [InlineData(128)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(1_000)]
    [InlineData(10_001)]
    public void Slices_CoverEveryExampleOnceInOrder_LargeAtTheEndsSmallInTheMiddle(int columns)
    {
        var slices = new BatchSlices(columns, 64);
        var bounds = Enumerable.Range(0, slices.Count).Select(slices.Bounds).ToList();

        bounds[0].First.Should().Be(0);
        for (int i = 1; i < bounds.Count; i++)
        {
            bounds[i].First.Should().Be(bounds[i - 1].First + bounds[i - 1].Count, "slice {0} starts where slice {1} ends", i, i - 1);
        }

        (bounds[^1].First + bounds[^1].Count).Should().Be(columns, "the slices end with the batch");
        bounds.Should().OnlyContain(b => b.Count >= 1 && b.Count <= 64);
        bounds.Where(b => b.Count < 64).Sum(b => b.Count).Should().BeLessThan(4 * 64, "at most four slices' worth of examples sit in the small middle slices");
        int middle = bounds.Count / 2;
        bounds[middle].Count.Should().BeLessThanOrEqualTo(32, "where the two threads meet, the slices are small");
        if (columns >= 4 * 64)
        {
            bounds[0].Count.Should().Be(64, "the slices at the front are large");
            bounds[^1].Count.Should().Be(64, "the slices at the back are large");
            bounds.Count(b => b.Count == 64).Should().Be(2 * ((columns - 128) / 128), "all but 2 to 4 slices' worth are large");
        }
    }
}
