using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>N-per-class sampling that refuses to return fewer silently, and sampling at a positive/negative ratio.</summary>
public class DatasetSamplingTests
{
    /// <summary>30 negatives (class 0) and 6 positives (class 1); feature 0 is the example's index.</summary>
    private static Dataset Binary()
    {
        int[] labels = [.. Enumerable.Range(0, 36).Select(j => j % 6 == 5 ? 1 : 0)];
        return Dataset.ForClassification(Matrix<float>.Build.Dense(1, labels.Length, (_, j) => j), labels).WithClassNames(["other", "boot"]);
    }

    private static int[] Ids(Dataset data) => data.Features.Row(0).Select(v => (int)v).ToArray();

    [Fact]
    public void TakePerClass_ClassWithFewerThanN_ThrowsNamingClassWantedAndAvailable() =>
        Throws.Argument<ArgumentOutOfRangeException>(
            () => Binary().TakePerClass(10, seed: 1),
            "perClass",
            "Expected at least 10 examples of class 1 (boot) but the set has 6. Ask for at most 6, or pass allowFewer: true to take all 6.");

    [Fact]
    public void TakePerClass_EnoughOfEveryClass_TakesExactlyN()
    {
        var taken = Binary().TakePerClass(6, seed: 1);

        taken.CountPerClass().Should().Equal(6, 6);
        taken.ClassNames.Should().Equal("other", "boot");
    }

    [Fact]
    public void TakePerClass_AllowFewer_TakesWhatThereIs() =>
        Binary().TakePerClass(10, seed: 1, allowFewer: true).CountPerClass().Should().Equal(10, 6);

    [Fact]
    public void TakeWithRatio_ThreeNegativesPerPositive_DrawsThatBalanceReproducibly()
    {
        var data = Binary();

        var sample = data.TakeWithRatio(positives: 4, negativesPerPositive: 3, seed: 2);
        var again = data.TakeWithRatio(positives: 4, negativesPerPositive: 3, seed: 2);
        var other = data.TakeWithRatio(positives: 4, negativesPerPositive: 3, seed: 3);

        sample.CountPerClass().Should().Equal(12, 4);
        Ids(sample).Should().OnlyHaveUniqueItems();
        Ids(again).Should().Equal(Ids(sample));
        Ids(other).Should().NotEqual(Ids(sample));
        sample.Labels.Zip(Ids(sample)).Should().OnlyContain(p => p.First == (p.Second % 6 == 5 ? 1 : 0), "labels travel with their examples");
    }

    [Fact]
    public void TakeWithRatio_TooFewNegatives_ThrowsNamingTheRatio() =>
        Throws.Argument<ArgumentOutOfRangeException>(
            () => Binary().TakeWithRatio(positives: 5, negativesPerPositive: 10, seed: 0),
            "negativesPerPositive",
            "Expected at least 50 examples of class 0 (other) but the set has 30.");

    [Fact]
    public void TakeWithRatio_TooFewPositives_ThrowsNamingPositives() =>
        Throws.Argument<ArgumentOutOfRangeException>(
            () => Binary().TakeWithRatio(positives: 7, negativesPerPositive: 1, seed: 0), "positives", "Expected at least 7 examples of class 1 (boot) but the set has 6.");

    [Fact]
    public void TakeWithRatio_AllowFewer_TakesWhatThereIs() =>
        Binary().TakeWithRatio(positives: 7, negativesPerPositive: 10, seed: 0, allowFewer: true).CountPerClass().Should().Equal(30, 6);

    [Fact]
    public void TakeWithRatio_ThreeClasses_ThrowsSayingTwoClassesAreNeeded() =>
        Throws.InvalidOperation(
            () => Dataset.ForClassification(Matrix<float>.Build.Dense(1, 3), [0, 1, 2]).TakeWithRatio(1, 1, seed: 0),
            "needs a two-class set (0 = negative, 1 = positive) but this one has 3 classes");

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void TakeWithRatio_RatioNotPositive_Throws(double ratio) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Binary().TakeWithRatio(1, ratio, seed: 0), "negativesPerPositive", "greater than 0");

    [Fact]
    public void Strata_EmptyClassInTheMiddle_DrawsTheSameAsWithoutIt()
    {
        // Class 1 is empty in the second set; an empty class must consume no random numbers.
        var x = Matrix<float>.Build.Dense(1, 8, (_, j) => j);
        var withGap = Dataset.ForClassification(x, [0, 0, 0, 0, 2, 2, 2, 2], classCount: 3);
        var without = Dataset.ForClassification(x, [0, 0, 0, 0, 1, 1, 1, 1], classCount: 2);

        Ids(withGap.TakePerClass(2, seed: 9, allowFewer: true)).Should().Equal(Ids(without.TakePerClass(2, seed: 9)));
    }
}
