using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>A CSV file streamed with Sep into a memory-mapped cache: the set CsvReader reads, and errors naming the line.</summary>
public sealed class CsvSourceTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("a,b,label\n1,2,0\n\n3.5,\"4\",2\n-1,0.25,1\n")]
    [InlineData("a,b,label\n1,2,cat\n3.5,4,dog\n-1,0.25,bird\n")]
    public void Open_GivesTheSetCsvReaderReads(string text)
    {
        string path = Write(text);
        var expected = CsvReader.ReadDataset(path);

        using var source = CsvSource.Open(path);
        var read = source.ToDataset();

        read.FeatureValues.ToArray().Should().Equal(expected.FeatureValues.ToArray());
        read.Labels.Should().Equal(expected.Labels);
        read.ClassCount.Should().Be(expected.ClassCount);
        (source.ClassNames ?? []).Should().Equal(expected.ClassNames ?? []);
    }

    [Fact]
    public void Open_LabelColumnByNameAndFixedClassNames_AsCsvReader()
    {
        string path = Write("y;x1;x2\nb;1;2\na;3;4\n");
        var options = new CsvOptions { Separator = ';', LabelColumn = "y", ClassNames = ["b", "a", "c"] };

        using var source = CsvSource.Open(path, options);
        var read = source.ToDataset();

        read.FeatureValues.ToArray().Should().Equal(1, 2, 3, 4);
        read.Labels.Should().Equal(0, 1);
        source.ClassCount.Should().Be(3);
    }

    [Fact]
    public void Dispose_DeletesTheTemporaryCache_ButKeepsAGivenOne()
    {
        string path = Write("a,label\n1,0\n2,1\n");
        string kept = _folder.File("kept.npy");

        string temporary;
        using (var source = CsvSource.Open(path))
        {
            temporary = source.CachePath;
            File.Exists(temporary).Should().BeTrue();
        }

        using (CsvSource.Open(path, cachePath: kept))
        {
        }

        File.Exists(temporary).Should().BeFalse();
        NpyFormat.Read(kept).Shape.Should().Equal(2, 1);
    }

    [Fact]
    public void Open_NotANumber_NamesTheLineFieldAndText()
    {
        string path = Write("a,b,label\n1,2,0\n3,x7,1\n");

        var e = Assert.Throws<DataFormatException>(() => CsvSource.Open(path));

        e.FilePath.Should().Be(path);
        e.Location.Should().Be("line 3, field 2");
        e.Message.Should().Contain("'b'").And.Contain("'x7'");
    }

    [Fact]
    public void Open_RaggedRow_NamesTheLineAndCounts()
    {
        string path = Write("a,b,label\n1,2,0\n3,1\n");

        var e = Assert.Throws<DataFormatException>(() => CsvSource.Open(path));

        e.Location.Should().Be("line 3");
        e.Message.Should().Contain("Expected 3 fields").And.Contain("has 2");
    }

    [Fact]
    public void Open_LabelOutOfRange_NamesTheLine()
    {
        string path = Write("a,label\n1,0\n2,5\n");

        var e = Assert.Throws<DataFormatException>(() => CsvSource.Open(path, new CsvOptions { ClassCount = 3 }));

        e.Location.Should().Be("line 3, field 2");
        e.Message.Should().Contain("[0, 3)").And.Contain("found 5");
    }

    [Fact]
    public void Open_NoDataRows_IsAnError()
    {
        string path = Write("a,label\n");

        var e = Assert.Throws<DataFormatException>(() => CsvSource.Open(path));

        e.FilePath.Should().Be(path);
        e.Location.Should().Be("line 1");
    }

    private string Write(string text)
    {
        string path = _folder.File(Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        return path;
    }
}
