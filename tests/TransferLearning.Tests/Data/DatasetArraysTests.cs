using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>Row-major arrays (one example per row) give the same set as the column matrix a user would otherwise build by transposing.</summary>
public class DatasetArraysTests
{
    // Three examples of two features: (1, 2), (3, 4), (5, 6).
    private static readonly float[,] Rows = { { 1, 2 }, { 3, 4 }, { 5, 6 } };

    private static Dataset Expected() =>
        Dataset.ForClassification(Matrix<float>.Build.DenseOfArray(Rows).Transpose(), [0, 1, 0]);

    [Fact]
    public void ForClassification_RectangularRows_EqualsTheTransposedMatrix()
    {
        var data = Dataset.ForClassification(Rows, [0, 1, 0]);

        data.Features.Should().Be(Expected().Features);
        data.FeatureCount.Should().Be(2);
        data.Count.Should().Be(3);
        data.Features.Column(1).ToArray().Should().Equal(3, 4);
    }

    [Fact]
    public void ForClassification_JaggedRows_EqualsTheTransposedMatrix() =>
        Dataset.ForClassification([[1f, 2], [3f, 4], [5f, 6]], [0, 1, 0]).Features.Should().Be(Expected().Features);

    [Fact]
    public void ForClassification_RowMajorSpan_EqualsTheTransposedMatrix()
    {
        float[] values = [1, 2, 3, 4, 5, 6];

        Dataset.ForClassification(values.AsSpan(), rowCount: 3, columnCount: 2, [0, 1, 0]).Features.Should().Be(Expected().Features);
    }

    [Fact]
    public void ForClassification_Rows_CopiesTheValues()
    {
        var rows = (float[,])Rows.Clone();
        var data = Dataset.ForClassification(rows, [0, 1, 0]);

        rows[0, 0] = 99;

        data.Features[0, 0].Should().Be(1f);
    }

    [Fact]
    public void ForRegression_RowsAndTargets_KeepsEachTargetWithItsExample()
    {
        var data = Dataset.ForRegression(Rows, new float[] { 10, 20, 30 });
        var jagged = Dataset.ForRegression([[1f, 2], [3f, 4], [5f, 6]], [[10f], [20f], [30f]]);
        var wide = Dataset.ForRegression(Rows, new float[,] { { 10 }, { 20 }, { 30 } });

        data.Targets!.Row(0).ToArray().Should().Equal(10, 20, 30);
        jagged.Targets.Should().Be(data.Targets);
        wide.Targets.Should().Be(data.Targets);
        jagged.Features.Should().Be(data.Features);
    }

    [Fact]
    public void ForClassification_RaggedJaggedRows_ThrowsNamingTheRow() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification([[1f, 2], [3f]], [0, 1]), "rows", "Expected every row to have 2 values, as row 0 has, but row 1 has 1.");

    [Fact]
    public void ForClassification_SpanOfWrongLength_ThrowsWithExpectedAndActual() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification(new float[5].AsSpan(), 3, 2, [0, 1, 0]), "rowMajor", "Expected 3 × 2 = 6 values but got 5.");

    [Fact]
    public void ForClassification_LabelCountDiffersFromRowCount_ThrowsNamingLabels() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(Rows, [0, 1]), "labels", "3 labels but got 2");

    [Fact]
    public void ForClassification_NaNInRows_ThrowsNamingTheExample() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification(new float[,] { { 1, 2 }, { float.NaN, 4 } }, [0, 1]), "features", "example 1, feature 0");

    [Fact]
    public void ForClassification_NoRows_ThrowsSayingEmpty() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(Array.Empty<float[]>(), []), "rows", "at least one row");

    [Fact]
    public void ForClassification_NaNAtExample3Feature100_IsNamedAsTheRowsWereGiven()
    {
        var rows = new float[5, 784];
        rows[3, 100] = float.NaN;

        var e = Throws.Argument<ArgumentException>(() => Dataset.ForClassification(rows, [0, 1, 0, 1, 0]), "features", "example 3", "feature 100");
        e.Message.Should().NotContain("row 100");
    }

    [Fact]
    public void ForClassification_InfinityInJaggedRows_IsNamedAsTheRowsWereGiven() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification([new float[784], new float[784], new float[784], Enumerable.Range(0, 784).Select(i => i == 100 ? float.PositiveInfinity : 0f).ToArray()], [0, 1, 0, 1]),
            "features",
            "example 3, feature 100");

    [Fact]
    public void ForClassification_ZeroExamplesOf784Features_IsDescribedAsSuch() =>
        Throws.Argument<ArgumentException>(() => Dataset.ForClassification(new float[0, 784], []), "features", "0 examples of 784 features");

    [Fact]
    public void ForRegression_NaNTargetAtExample2_IsNamedAsTheRowsWereGiven() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForRegression(new float[3, 2], new float[,] { { 0, 0 }, { 0, 0 }, { 0, float.NaN } }), "targets", "example 2, target 1");
}
