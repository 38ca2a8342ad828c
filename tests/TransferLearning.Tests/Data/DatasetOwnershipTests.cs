using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;

namespace TransferLearning.Tests.Data;

/// <summary>A set copies what it is given and hands out copies or read-only views: it never changes after it is made.</summary>
public class DatasetOwnershipTests
{
    [Fact]
    public void ForClassification_CallerChangesTheMatrixAfterwards_SetIsUnchanged()
    {
        var x = Matrix<float>.Build.Dense(2, 3, [1, 2, 3, 4, 5, 6]);
        var data = Dataset.ForClassification(x, [0, 1, 0]);

        x[0, 0] = 99f;

        data.FeatureValues.ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void ForRegression_CallerChangesTheMatricesAfterwards_SetIsUnchanged()
    {
        var x = Matrix<float>.Build.Dense(1, 2, [1, 2]);
        var y = Matrix<float>.Build.Dense(1, 2, [3, 4]);
        var data = Dataset.ForRegression(x, y);

        x[0, 1] = 99f;
        y[0, 1] = 99f;

        data.FeatureValues.ToArray().Should().Equal(1, 2);
        data.Targets!.ToColumnMajorArray().Should().Equal(3, 4);
    }

    [Fact]
    public void Features_ChangingTheReturnedMatrix_DoesNotChangeTheSet()
    {
        var data = Dataset.ForClassification(new float[,] { { 1, 2 }, { 3, 4 } }, [0, 1]);

        data.Features[0, 0] = 99f;
        data.Targets.Should().BeNull();

        data.Features[0, 0].Should().Be(1f);
        data.FeatureValues.Span[0].Should().Be(1f);
    }

    [Fact]
    public void FeatureValues_AreColumnMajor_OneExampleAfterAnother()
    {
        var data = Dataset.ForClassification(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, [0, 1]);

        data.FeatureValues.ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
        data.FeatureValues.Length.Should().Be(data.FeatureCount * data.Count);
    }

    [Fact]
    public void Labels_CannotBeCastBackToAWritableArray()
    {
        var data = Dataset.ForClassification(new float[,] { { 1 }, { 2 } }, [0, 1]);

        (data.Labels is int[]).Should().BeFalse("a caller who casts the list back to an array could change the set's labels");
        var asList = (IList<int>)data.Labels;
        var act = () => asList[0] = 1;
        act.Should().Throw<NotSupportedException>();
        data.Labels.Should().Equal(0, 1);
    }

    [Fact]
    public void ClassNames_CannotBeCastBackToAWritableArray()
    {
        var data = Dataset.ForClassification(new float[,] { { 1 }, { 2 } }, [0, 1]).WithClassNames(["cat", "dog"]);

        (data.ClassNames is string[]).Should().BeFalse();
        data.ClassNames.Should().Equal("cat", "dog");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 24)]
    public void ForClassification_InferredClassCountFromAHugeLabel_ThrowsNamingTheLabel(int label)
    {
        var act = () => Dataset.ForClassification(new float[,] { { 1 }, { 2 } }, [0, label]);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "labels" && Equals(e.ActualValue, label));
    }

    [Fact]
    public void ForClassification_HugeLabelWithExplicitClassCount_IsCheckedAgainstIt()
    {
        var act = () => Dataset.ForClassification(new float[,] { { 1 }, { 2 } }, [0, int.MaxValue], classCount: 3);

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "labels" && Equals(e.ActualValue, int.MaxValue));
    }
}
