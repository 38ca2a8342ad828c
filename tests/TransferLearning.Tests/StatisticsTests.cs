using MathNet.Numerics.Random;

namespace TransferLearning.Tests;

public class StatisticsTests
{
    [Fact]
    public void MeanVarianceStandardError_HandComputed()
    {
        double[] values = [1, 2, 3, 4];

        Statistics.Mean(values).Should().Be(2.5);
        Statistics.Variance(values).Should().BeApproximately(5.0 / 3, 1e-15, "Σ(x − 2.5)² = 5 over n − 1 = 3");
        Statistics.StandardError(values).Should().BeApproximately(Math.Sqrt(5.0 / 3 / 4), 1e-15);
        Statistics.Variance([7.0]).Should().Be(0, "one value has no spread to estimate");
    }

    [Fact]
    public void Mean_SumsInOrder_AsLinqDid()
    {
        var random = new Xoshiro256StarStar(5);
        var values = Enumerable.Range(0, 1001).Select(_ => (random.NextDouble() * 2e6) - 1e6).ToArray();

        Statistics.Mean(values).Should().Be(values.Average(), "the probes' and Auto's numbers must not move by a bit");
    }

    [Theory]
    [InlineData(0.95, 1, 12.706204736174698)]
    [InlineData(0.95, 29, 2.045229642132703)]
    [InlineData(0.90, 9, 1.8331129326536335)]
    public void TQuantile_MatchesTables(double confidence, int degreesOfFreedom, double expected)
    {
        Statistics.TQuantile(confidence, degreesOfFreedom).Should().BeApproximately(expected, 1e-9);
    }

    [Fact]
    public void TQuantile_NoDegreeOfFreedom_IsInfinite()
    {
        Statistics.TQuantile(0.95, 0).Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void BalancedAccuracy_AveragesTheRecallsOfThePresentClasses()
    {
        // Class 0: 3 of 4 right; class 1: 0 of 1; class 2 absent.
        int[] actual = [0, 0, 0, 0, 1];
        int[] predicted = [0, 0, 0, 1, 0];

        Statistics.BalancedAccuracy(predicted, actual, classes: 3).Should().BeApproximately((0.75 + 0) / 2, 1e-15);
    }

    [Fact]
    public void BalancedAccuracyPerExample_MeanIsTheBalancedAccuracy()
    {
        var random = new Xoshiro256StarStar(9);
        var actual = Enumerable.Range(0, 97).Select(i => i % 7 == 0 ? 2 : random.Next(2)).ToArray();
        var predicted = actual.Select(a => random.NextDouble() < 0.7 ? a : random.Next(3)).ToArray();

        double[] perExample = Statistics.BalancedAccuracyPerExample(predicted, actual, classes: 3);

        perExample.Average().Should().BeApproximately(Statistics.BalancedAccuracy(predicted, actual, classes: 3), 1e-12);
    }

    [Fact]
    public void RSquared_HandComputed()
    {
        float[] actual = [1, 2, 3, 4];
        float[] predicted = [1, 2, 3, 5];

        Statistics.RSquared(actual, predicted).Should().BeApproximately(1 - (1.0 / 5), 1e-12, "residual 1 against Σ(y − ȳ)² = 5");
        Statistics.RSquared([2f, 2f], [1f, 3f]).Should().Be(0, "a constant target has no variance to explain");
    }

    [Fact]
    public void Standardize_UsesTheFittedPartsMeanAndDeviation_ForBoth()
    {
        // Two features over three fitted examples (columns): feature 0 is 1, 2, 3 (mean 2, σ √(2/3)); feature 1 is constant.
        float[] fitted = [1, 5, 2, 5, 3, 5];
        float[] other = [4, 7];

        Statistics.Standardize(fitted, other, d: 2);

        float s = (float)(1 / Math.Sqrt(2.0 / 3));
        float[] expectedFitted = [-s, 0f, 0f, 0f, s, 0f];
        float[] expectedOther = [2 * s, 0f];
        fitted.Zip(expectedFitted, (a, e) => Math.Abs(a - e)).Should().OnlyContain(d => d < 1e-6f);
        other.Zip(expectedOther, (a, e) => Math.Abs(a - e)).Should().OnlyContain(d => d < 1e-6f, "the other part is scaled with the fitted part's statistics; a constant feature becomes 0");
    }
}
