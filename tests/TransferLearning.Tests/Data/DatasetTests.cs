using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Tests.Data;

/// <summary>Splits, per-class subsets and subsets: stratified, reproducible, and never losing or duplicating an example.</summary>
public class DatasetTests
{
    /// <summary>80 examples of class 0, 20 of class 1, 10 of class 2; feature 0 is the example's index (an identity to track).</summary>
    private static Dataset Imbalanced()
    {
        int[] labels = [.. Enumerable.Repeat(0, 80), .. Enumerable.Repeat(1, 20), .. Enumerable.Repeat(2, 10)];
        var x = Matrix<float>.Build.Dense(2, labels.Length, (i, j) => i == 0 ? j : labels[j]);
        return Dataset.ForClassification(x, labels, 3);
    }

    private static int[] Ids(Dataset data) => data.Features.Row(0).Select(v => (int)v).ToArray();

    [Fact]
    public void Split_Classification_KeepsEachClassShareOnBothSides()
    {
        var (first, second) = Imbalanced().Split(0.75, seed: 1);

        first.CountPerClass().Should().Equal(60, 15, 8);
        second.CountPerClass().Should().Equal(20, 5, 2);
        first.ClassCount.Should().Be(3);
        second.ClassCount.Should().Be(3);
    }

    [Fact]
    public void Split_Classification_IsAPartitionWithLabelsKeptWithTheirFeatures()
    {
        var data = Imbalanced();

        var (first, second) = data.Split(0.75, seed: 1);

        Ids(first).Concat(Ids(second)).Should().BeEquivalentTo(Enumerable.Range(0, 110), "every example lands on exactly one side");
        foreach (var part in new[] { first, second })
        {
            part.Features.Row(1).Select(v => (int)v).Should().Equal(part.Labels, "feature 1 carries the label, so rows and labels stay together");
        }
    }

    [Fact]
    public void Split_SameSeed_SameSplit_DifferentSeed_DifferentSplit()
    {
        var data = Imbalanced();

        var a = data.Split(0.75, seed: 1);
        var b = data.Split(0.75, seed: 1);
        var c = data.Split(0.75, seed: 2);

        Ids(b.First).Should().Equal(Ids(a.First));
        Ids(b.Second).Should().Equal(Ids(a.Second));
        Ids(c.First).Should().NotEqual(Ids(a.First));
    }

    [Fact]
    public void Split_TwoExamplesPerClass_EachClassOnBothSides()
    {
        var x = Matrix<float>.Build.Dense(1, 6, (_, j) => j);
        var data = Dataset.ForClassification(x, [0, 0, 1, 1, 2, 2], 3);

        var (first, second) = data.Split(0.9, seed: 3);

        first.CountPerClass().Should().Equal(1, 1, 1);
        second.CountPerClass().Should().Equal(1, 1, 1);
    }

    [Fact]
    public void Split_Regression_SizesFollowTheFraction()
    {
        var x = Matrix<float>.Build.Dense(1, 10, (_, j) => j);
        var data = Dataset.ForRegression(x, x * 2);

        var (first, second) = data.Split(0.7, seed: 1);

        first.Count.Should().Be(7);
        second.Count.Should().Be(3);
        first.Targets!.Should().Be(first.Features * 2, "targets travel with their features");
    }

    [Fact]
    public void TakePerClass_AllowFewer_TakesAtMostNOfEachClassReproducibly()
    {
        var data = Imbalanced();

        var taken = data.TakePerClass(12, seed: 4, allowFewer: true);
        var again = data.TakePerClass(12, seed: 4, allowFewer: true);
        var other = data.TakePerClass(12, seed: 5, allowFewer: true);

        taken.CountPerClass().Should().Equal(12, 12, 10);
        taken.Labels.Should().BeInAscendingOrder("the subset is ordered by class");
        Ids(taken).Should().OnlyHaveUniqueItems();
        Ids(again).Should().Equal(Ids(taken));
        Ids(other).Should().NotEqual(Ids(taken));
        taken.ClassCount.Should().Be(3);
    }

    [Fact]
    public void Subset_CopiesTheChosenExamplesInOrder()
    {
        var data = Imbalanced();

        var subset = data.Subset([100, 3, 85]);

        Ids(subset).Should().Equal(100, 3, 85);
        subset.Labels.Should().Equal(2, 0, 1);
        subset.ClassCount.Should().Be(3);
    }

    [Fact]
    public void ToString_DescribesTheSet()
    {
        Imbalanced().ToString().Should().Be("Dataset(110 examples × 2 features, 3 classes)");
        SyntheticData.Spirals(600).ToString().Should().Be("Dataset(1,200 examples × 2 features, 2 classes)");
    }
}
