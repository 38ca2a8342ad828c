using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>CsvOptions.ClassNames: one class list fixed from the training file and applied to every other file (issue 19).</summary>
public sealed class CsvClassNamesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tl-csv-names-" + Guid.NewGuid().ToString("N"));

    public CsvClassNamesTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReadDataset_TestFileWithFewerClasses_KeepsTheTrainingIndicesWhenGivenItsClassNames()
    {
        string trainPath = Write("train.csv", "x,species\n1,bird\n2,cat\n3,dog\n4,cat\n");
        string testPath = Write("test.csv", "x,species\n5,dog\n6,cat\n");

        var train = CsvReader.ReadDataset(trainPath, new CsvOptions { LabelColumn = "species" });
        var test = CsvReader.ReadDataset(testPath, new CsvOptions { LabelColumn = "species", ClassNames = train.ClassNames });

        train.ClassNames.Should().Equal("bird", "cat", "dog");
        train.Labels.Should().Equal(0, 1, 2, 1);
        test.ClassNames.Should().Equal("bird", "cat", "dog");
        test.ClassCount.Should().Be(3);
        test.Labels.Should().Equal(2, 1);   // dog = 2, cat = 1, as in training (per file they would be 1 and 0)
    }

    [Fact]
    public void ReadDataset_WithoutClassNames_StillNumbersTextLabelsPerFile()
    {
        var test = CsvReader.ReadDataset(Write("test.csv", "x,species\n5,dog\n6,cat\n"), new CsvOptions { LabelColumn = "species" });

        test.ClassNames.Should().Equal("cat", "dog");
        test.Labels.Should().Equal(1, 0);
    }

    [Fact]
    public void ReadDataset_LabelNotInClassNames_ThrowsNamingFileLineAndLabel()
    {
        string path = Write("test.csv", "x,species\n5,dog\n\n6, fish \n");

        var e = Assert.Throws<DataFormatException>(
            () => CsvReader.ReadDataset(path, new CsvOptions { LabelColumn = "species", ClassNames = ["bird", "cat", "dog"] }));

        e.FilePath.Should().Be(path);
        e.Location.Should().StartWith("line 4,");
        e.Message.Should().Contain("'fish'");
    }

    [Fact]
    public void ReadDataset_IntegerLookingTextsWithClassNames_AreMappedByName()
    {
        var data = CsvReader.ReadDataset(new StringReader("x,y\n1,7\n2,3\n"), "s", new CsvOptions { ClassNames = ["3", "7"] });

        data.Labels.Should().Equal(1, 0);
        data.ClassNames.Should().Equal("3", "7");
    }

    [Theory]
    [InlineData(new[] { "cat", "cat" }, "twice")]
    [InlineData(new[] { "cat", "" }, "class 1")]
    [InlineData(new[] { "cat", "  " }, "class 1")]
    [InlineData(new string[0], "empty")]
    public void ClassNames_DuplicateOrEmpty_ThrowsNamingClassNames(string[] names, string fact) =>
        Throws.Argument<ArgumentException>(() => _ = new CsvOptions { ClassNames = names }, "ClassNames", fact);

    [Fact]
    public void ReadDataset_ClassCountDisagreesWithClassNames_ThrowsNamingOptions() =>
        Throws.Argument<ArgumentException>(
            () => CsvReader.ReadDataset(new StringReader("x,y\n1,a\n"), "s", new CsvOptions { ClassNames = ["a", "b"], ClassCount = 3 }), "options", "2 ClassNames", "3");

    [Fact]
    public void ReadDataset_IntegerLabelIntMaxValue_ThrowsNamedErrorInsteadOfOverflowing()
    {
        var e = Assert.Throws<DataFormatException>(
            () => CsvReader.ReadDataset(new StringReader("x,y\n1,0\n2,2147483647\n"), "big.csv"));

        e.FilePath.Should().Be("big.csv");
        e.Location.Should().StartWith("line 3,");
        e.Message.Should().Contain("2147483647");
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
