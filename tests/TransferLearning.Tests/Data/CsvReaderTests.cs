using System.Globalization;
using TransferLearning.Data;

namespace TransferLearning.Tests.Data;

/// <summary>The CSV reader: header or not, label column by name or index, invariant numbers, quoting, and one clear error per defect.</summary>
public sealed class CsvReaderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tl-csv-" + Guid.NewGuid().ToString("N"));

    public CsvReaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string text, string name = "data.csv")
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReadDataset_HeaderAndLabelColumnByName_ReadsRowsAsExamples()
    {
        string path = Write("x1,label,x2\n0.5,1,-2\n1.5e1,0,3\n");

        var data = CsvReader.ReadDataset(path, new CsvOptions { LabelColumn = "label" });

        data.FeatureCount.Should().Be(2);
        data.Count.Should().Be(2);
        data.Labels.Should().Equal(1, 0);
        data.Features.Column(0).ToArray().Should().Equal(0.5f, -2f);
        data.Features.Column(1).ToArray().Should().Equal(15f, 3f);
        data.ClassNames.Should().BeNull("integer labels are the classes themselves");
    }

    [Fact]
    public void ReadDataset_NoHeaderLabelByIndex_SemicolonsAndCrLf()
    {
        string path = Write("2;0.25;7\r\n0;0.75;8\r\n\r\n");

        var data = CsvReader.ReadDataset(path, new CsvOptions { HasHeader = false, LabelColumnIndex = 0, Separator = ';', ClassCount = 3 });

        data.Labels.Should().Equal(2, 0);
        data.ClassCount.Should().Be(3);
        data.Features.Column(1).ToArray().Should().Equal(0.75f, 8f);
    }

    [Fact]
    public void ReadDataset_DefaultOptions_LabelIsTheLastColumn() =>
        CsvReader.ReadDataset(Write("a,b,y\n1,2,1\n3,4,0\n")).Labels.Should().Equal(1, 0);

    [Fact]
    public void ReadDataset_TextLabels_BecomeClassesNamedInOrdinalOrder()
    {
        string path = Write("sepal,petal,species\n5.1,1.4,\"setosa\"\n7.0,4.7,versicolor\n5.0,1.3,setosa\n");

        var data = CsvReader.ReadDataset(path, new CsvOptions { LabelColumn = "species" });

        data.ClassNames.Should().Equal("setosa", "versicolor");
        data.Labels.Should().Equal(0, 1, 0);
    }

    [Fact]
    public void ReadDataset_QuotedFieldsWithSeparatorAndQuotes_AreUnquoted()
    {
        string path = Write("\"x, one\",\"y \"\"label\"\"\"\n\"1.5\",\"a, b\"\n2,c\n");

        var data = CsvReader.ReadDataset(path, new CsvOptions { LabelColumn = "y \"label\"" });

        data.ClassNames.Should().Equal("a, b", "c");
        data.Features.Row(0).ToArray().Should().Equal(1.5f, 2f);
    }

    [Fact]
    public void ReadDataset_UnderACommaDecimalCulture_StillParsesInvariantly()
    {
        // A culture that writes 1.5 as "1,5" (built by hand: the tests run with InvariantGlobalization).
        var commaDecimal = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaDecimal.NumberFormat.NumberDecimalSeparator = ",";
        commaDecimal.NumberFormat.NumberGroupSeparator = ".";
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = commaDecimal;
            float.Parse("1.5", CultureInfo.CurrentCulture).Should().Be(15f, "the culture really does read '.' as a group separator");

            CsvReader.ReadDataset(new StringReader("x,y\n1.5,0\n"), "inline").Features[0, 0].Should().Be(1.5f);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    // ---- Bad files: one exception type, naming the file, the line and column, and the defect. ----

    [Fact]
    public void ReadDataset_RaggedShortRow_ThrowsNamingLineColumnAndFieldCounts()
    {
        string path = Write("a,b,y\n1,2,0\n3,4\n");

        var e = Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(path));

        e.Message.Should().Be($"{path}, line 3, column 4: Expected 3 fields, as in the header (line 1), but this row has 2.");
        e.Location.Should().Be("line 3, column 4");
    }

    [Fact]
    public void ReadDataset_RaggedLongRowWithoutHeader_PointsAtTheExtraField() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("1,2,0\n3,4,1,9\n"), new CsvOptions { HasHeader = false }))
            .Message.Should().EndWith("data.csv, line 2, column 7: Expected 3 fields, as in the first row (line 1), but this row has 4.");

    [Fact]
    public void ReadDataset_NotANumber_ThrowsNamingLineColumnHeaderAndText()
    {
        string path = Write("width,height,y\n1,2,0\n3,abc,1\n");

        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(path)).Message
            .Should().Be($"{path}, line 3, column 3: Expected a finite number in column 1 'height' but found 'abc'.");
    }

    [Fact]
    public void ReadDataset_CommaDecimal_IsNotANumberInTheInvariantCulture()
    {
        string path = Write("x;y\n1,5;0\n");

        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(path, new CsvOptions { Separator = ';' })).Message
            .Should().Be($"{path}, line 2, column 1: Expected a finite number in column 0 'x' but found '1,5'.");
    }

    [Fact]
    public void ReadDataset_NaNText_IsRejectedAsNotFinite() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("x,y\nNaN,0\n"))).Message
            .Should().EndWith("line 2, column 1: Expected a finite number in column 0 'x' but found 'NaN'.");

    [Fact]
    public void ReadDataset_LabelOutOfRange_ThrowsNamingTheLabel() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("x,y\n1,0\n2,5\n"), new CsvOptions { ClassCount = 3 })).Message
            .Should().EndWith("line 3, column 3: Expected a label in [0, 3) but found 5.");

    [Fact]
    public void ReadDataset_NegativeIntegerLabel_ThrowsNamingTheLabel() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("x,y\n1,0\n2,-1\n"))).Message
            .Should().EndWith("line 3, column 3: Expected a label in [0, 1) but found -1.");

    [Fact]
    public void ReadDataset_UnknownLabelColumn_ListsTheHeader() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n1,0\n"), new CsvOptions { LabelColumn = "class" })).Message
            .Should().EndWith("data.csv, line 1: Expected a column named 'class' for the labels but the header has: 'a', 'b'.");

    [Fact]
    public void ReadDataset_LabelIndexBeyondTheColumns_Throws() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n1,0\n"), new CsvOptions { LabelColumnIndex = 2 })).Message
            .Should().EndWith("line 1: Expected the label column 2 (from 0) but the rows have 2 columns.");

    [Fact]
    public void ReadDataset_HeaderOnly_ThrowsSayingThereAreNoRows() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n"))).Message
            .Should().EndWith("data.csv, line 1: Expected a header row and at least one data row but found no data rows.");

    [Fact]
    public void ReadDataset_UnclosedQuote_PointsAtWhereTheFieldStarts() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n1,\"x\n2,y\n"))).Message
            .Should().EndWith("line 2, column 3: Expected a closing double quote for the quoted field that starts here, but the file ends first.");

    [Fact]
    public void ReadDataset_TextAfterClosingQuote_Throws() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n\"1\"2,0\n"))).Message
            .Should().EndWith("line 2, column 4: Expected ',' or the end of the line after a quoted field but found '2'.");

    [Fact]
    public void ReadDataset_EmptyTextLabel_Throws() =>
        Assert.Throws<DataFormatException>(() => CsvReader.ReadDataset(Write("a,b\n1,cat\n2,\n"))).Message
            .Should().EndWith("line 3, column 3: Expected a label but the field is empty.");

    [Fact]
    public void CsvOptions_QuoteAsSeparator_ThrowsNamingSeparator() =>
        FluentActions.Invoking(() => new CsvOptions { Separator = '"' }).Should().ThrowExactly<ArgumentOutOfRangeException>()
            .Which.ParamName.Should().Be("Separator");

    [Fact]
    public void CsvOptions_Defaults_HeaderCommaLastColumn()
    {
        var options = new CsvOptions();

        options.HasHeader.Should().BeTrue();
        options.Separator.Should().Be(',');
        options.LabelColumn.Should().BeNull();
        options.LabelColumnIndex.Should().BeNull();
        options.ClassCount.Should().BeNull();
    }
}
