using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>Every bad input to the Dataset factories → an exception that names the argument, the expected and the actual.</summary>
public class DatasetValidationTests
{
    private static Matrix<float> X(int rows = 2, int columns = 4) => Matrix<float>.Build.Dense(rows, columns, (i, j) => i + j);

    [Fact]
    public void ForClassification_FewerLabelsThanExamples_ThrowsNamingLabels() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(X(), [0, 1, 0]), "labels", "4 labels", "got 3");

    [Fact]
    public void ForClassification_MoreLabelsThanExamples_ThrowsNamingLabels() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(X(), [0, 1, 0, 1, 1]), "labels", "4 labels", "got 5");

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void ForClassification_NonFiniteFeature_ThrowsNamingFeaturesAndWhere(float bad, string shown)
    {
        var x = X();
        x[1, 2] = bad;

        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(x, [0, 1, 0, 1]), "features", "finite", shown, "example 2, feature 1");
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void ForRegression_NonFiniteFeature_ThrowsNamingFeatures(float bad, string shown)
    {
        var x = X();
        x[0, 3] = bad;

        Throws.Argument<ArgumentException>(() => Dataset.ForRegression(x, X(1, 4)), "features", "finite", shown, "example 3, feature 0");
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void ForRegression_NonFiniteTarget_ThrowsNamingTargets(float bad, string shown)
    {
        var y = X(1, 4);
        y[0, 1] = bad;

        Throws.Argument<ArgumentException>(() => Dataset.ForRegression(X(), y), "targets", "finite", shown, "example 1, target 0");
    }

    [Fact]
    public void ForRegression_TargetColumnsDiffer_ThrowsNamingTargets() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForRegression(X(), X(1, 3)), "targets", "4 columns", "got 3");

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void ForClassification_LabelNotBelowClassCount_ThrowsNamingLabels(int bad)
    {
        var e = Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [0, 1, bad, 0], classCount: 2), "labels", "[0, 2)", $"label 2 is {bad}");
        e.ActualValue.Should().Be(bad);
    }

    [Fact]
    public void ForClassification_NegativeLabel_ThrowsNamingLabels() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [0, -1, 1, 0]), "labels", "[0, 2)", "label 1 is -1");

    [Fact]
    public void ForClassification_OnlyNegativeLabelsAndNoClassCount_ThrowsNamingLabels() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [-1, -2, -1, -3]), "labels", "label 0 is -1");

    [Fact]
    public void ForClassification_ClassCountZero_ThrowsNamingClassCount() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [0, 0, 0, 0], classCount: 0), "classCount", "at least 1", "got 0");

    [Fact]
    public void ForClassification_NoExamples_ThrowsNamingFeatures() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(Matrix<float>.Build.Dense(2, 0), []), "features", "at least one example", "0 examples of 2 features");

    [Fact]
    public void ForRegression_NoExamples_ThrowsNamingFeatures() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForRegression(Matrix<float>.Build.Dense(2, 0), Matrix<float>.Build.Dense(1, 0)), "features", "0 examples of 2 features");

    [Fact]
    public void ForClassification_NoFeatures_ThrowsNamingFeatures() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(Matrix<float>.Build.Dense(0, 3), [0, 1, 0]), "features", "3 examples of 0 features");

    [Fact]
    public void ForClassification_NullArguments_ThrowArgumentNull()
    {
        Throws.Argument<ArgumentNullException>(() => Dataset.ForClassification((Matrix<float>)null!, [0]), "features");
        Throws.Argument<ArgumentNullException>(() => Dataset.ForClassification(X(), null!), "labels");
    }

    [Fact]
    public void Subset_IndexOutOfRange_ThrowsNamingIndices()
    {
        var data = Dataset.ForClassification(X(), [0, 1, 0, 1]);

        Throws.Argument<ArgumentOutOfRangeException>(() => data.Subset([0, 4]), "indices", "[0, 4)", "index 1 is 4");
        Throws.Argument<ArgumentException>(() => data.Subset([]), "indices", "at least one");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideOpenUnitInterval_ThrowsNamingFirstFraction(double fraction) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [0, 1, 0, 1]).Split(fraction, seed: 0), "firstFraction", "(0, 1)");

    [Fact]
    public void Split_SingleExample_ThrowsInvalidOperation() =>
        Throws.InvalidOperation(() => Dataset.ForClassification(X(2, 1), [0]).Split(0.5, seed: 0), "1 example");

    [Fact]
    public void TakePerClass_ZeroPerClass_ThrowsNamingPerClass() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Dataset.ForClassification(X(), [0, 1, 0, 1]).TakePerClass(0, seed: 0), "perClass", "at least 1", "got 0");

    [Fact]
    public void TakePerClass_RegressionSet_ThrowsInvalidOperation() =>
        Throws.InvalidOperation(() => Dataset.ForRegression(X(), X(1, 4)).TakePerClass(1, seed: 0), "classification");
}
