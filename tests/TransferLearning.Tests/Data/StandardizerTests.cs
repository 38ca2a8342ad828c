using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>Standardisation fitted on training data, applied unchanged to other sets.</summary>
public class StandardizerTests
{
    // Feature 0: 1, 3 (mean 2, σ 1); feature 1: 10, 30 (mean 20, σ 10); feature 2 constant 5.
    private static Dataset Train() => Dataset.ForClassification(new float[,] { { 1, 10, 5 }, { 3, 30, 5 } }, [0, 1]).WithClassNames(["a", "b"]);

    [Fact]
    public void Fit_TwoExamples_HasTheMeansAndPopulationDeviationsByHand()
    {
        var standardizer = Standardizer.Fit(Train());

        standardizer.Means.Should().Equal(2f, 20f, 5f);
        standardizer.StandardDeviations.Should().Equal(1f, 10f, 0f);
    }

    [Fact]
    public void Transform_TrainingSet_HasZeroMeanUnitDeviationAndConstantFeatureZero()
    {
        var train = Train();

        var standardised = Standardizer.Fit(train).Transform(train);

        standardised.Features.Column(0).ToArray().Should().Equal(-1f, -1f, 0f);
        standardised.Features.Column(1).ToArray().Should().Equal(1f, 1f, 0f);
        standardised.Labels.Should().Equal(0, 1);
        standardised.ClassNames.Should().Equal("a", "b");
        train.Features[0, 0].Should().Be(1f, "the original set is not modified");
    }

    [Fact]
    public void Transform_OtherSet_UsesTheTrainingStatistics()
    {
        var standardizer = Standardizer.Fit(Train());
        var test = Dataset.ForClassification(new float[,] { { 4, 0, 7 } }, [1]);

        standardizer.Transform(test).Features.Column(0).ToArray().Should().Equal(2f, -2f, 2f);
        standardizer.Transform(Matrix<float>.Build.Dense(3, 1, [4f, 0f, 7f])).Column(0).ToArray().Should().Equal(2f, -2f, 2f);
    }

    [Fact]
    public void Transform_WrongFeatureCount_ThrowsWithExpectedAndActual() =>
        Throws.Argument<ArgumentException>(
            () => Standardizer.Fit(Train()).Transform(Dataset.ForClassification(new float[,] { { 1, 2 } }, [0])),
            "data",
            "Expected 3 features, as in the training set the standardizer was fitted on, but got 2.");
}
