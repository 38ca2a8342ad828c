using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>Class names, filtering with relabelling to 0..k−1, coarse relabelling, one-vs-rest.</summary>
public class DatasetClassesTests
{
    private static readonly string[] Names = ["zero", "one", "two", "three", "four"];

    /// <summary>Two examples per class 0–4; feature 0 is the example's index, feature 1 its original class.</summary>
    private static Dataset FiveClasses()
    {
        int[] labels = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4];
        var x = Matrix<float>.Build.Dense(2, labels.Length, (i, j) => i == 0 ? j : labels[j]);
        return Dataset.ForClassification(x, labels).WithClassNames(Names);
    }

    [Fact]
    public void FilterClasses_UpperClasses_RelabelsZeroToKMinusOneKeepingNames()
    {
        var kept = FiveClasses().FilterClasses(3, 4, 2);

        kept.ClassCount.Should().Be(3, "a filtered set has as many classes as were kept, not the original count");
        kept.Count.Should().Be(6);
        kept.Features.Row(1).Select(v => (int)v).Should().Equal(2, 3, 4, 2, 3, 4);
        kept.Labels.Should().Equal(new[] { 2, 0, 1, 2, 0, 1 }, "classes[i] becomes label i");
        kept.ClassNames.Should().Equal("three", "four", "two");
    }

    [Fact]
    public void FilterClasses_SetWithoutNames_HasNoNames() =>
        Dataset.ForClassification(Matrix<float>.Build.Dense(1, 3), [0, 1, 2]).FilterClasses(2).ClassNames.Should().BeNull();

    [Fact]
    public void FilterClasses_DuplicateClass_Throws() =>
        Throws.Argument<ArgumentException>(() => FiveClasses().FilterClasses(1, 3, 1), "classes", "class 1 appears twice (at 0 and 2)");

    [Fact]
    public void FilterClasses_ClassOutOfRange_Throws() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => FiveClasses().FilterClasses(5), "classes", "Expected classes in [0, 5) but classes[0] is 5.");

    [Fact]
    public void FilterClasses_NoExampleOfAnyKeptClass_Throws() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification(Matrix<float>.Build.Dense(1, 2), [0, 0], classCount: 3).FilterClasses(1, 2),
            "classes",
            "Expected examples of at least one of classes 1, 2 but the set has none.");

    [Fact]
    public void Relabel_CoarseMap_MergesClassesAndNamesThem()
    {
        var coarse = FiveClasses().Relabel([0, 0, 1, 1, 1], ["low", "high"]);

        coarse.ClassCount.Should().Be(2);
        coarse.Labels.Should().Equal(0, 0, 1, 1, 1, 0, 0, 1, 1, 1);
        coarse.ClassNames.Should().Equal("low", "high");
        coarse.Features.Should().Be(FiveClasses().Features);
    }

    [Fact]
    public void Relabel_MapOfWrongLength_Throws() =>
        Throws.Argument<ArgumentException>(() => FiveClasses().Relabel([0, 1]), "map", "Expected one new label per class: 5 entries but got 2.");

    [Fact]
    public void Relabel_NegativeEntry_Throws() =>
        Throws.Argument<ArgumentOutOfRangeException>(() => FiveClasses().Relabel([0, 1, -1, 0, 0]), "map", "map[2] is -1");

    [Fact]
    public void Relabel_WrongNameCount_Throws() =>
        Throws.Argument<ArgumentException>(() => FiveClasses().Relabel([0, 0, 1, 1, 1], ["only one"]), "classNames", "Expected 2 class names, one per class, but got 1.");

    [Fact]
    public void OneVsRest_PositiveClass_IsLabelOneAndNamed()
    {
        var binary = FiveClasses().OneVsRest(4);

        binary.ClassCount.Should().Be(2);
        binary.Labels.Should().Equal(0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        binary.ClassNames.Should().Equal("not four", "four");
    }

    [Fact]
    public void WithClassNames_WrongCount_Throws() =>
        Throws.Argument<ArgumentException>(
            () => Dataset.ForClassification(Matrix<float>.Build.Dense(1, 2), [0, 1]).WithClassNames(["a"]), "classNames", "Expected 2 class names, one per class, but got 1.");

    [Fact]
    public void WithClassNames_Subset_KeepsNames() =>
        FiveClasses().Subset([0, 1]).ClassNames.Should().Equal(Names);

    [Fact]
    public void ClassName_WithoutNames_IsTheNumber() =>
        Dataset.ForClassification(Matrix<float>.Build.Dense(1, 2), [0, 1]).ClassName(1).Should().Be("1");
}
