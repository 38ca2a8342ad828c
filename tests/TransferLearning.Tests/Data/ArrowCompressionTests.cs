using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TransferLearning.Data;
using TransferLearning.Tests.Support;
using TransferLearning.Tests.Training;
using TransferLearning.Training;
using static TransferLearning.Tests.Data.ArrowSourceTests;

namespace TransferLearning.Tests.Data;

/// <summary>
/// Arrow IPC files with LZ4_FRAME or ZSTD compressed record batches (written by Apache.Arrow's own writer with
/// Apache.Arrow.Compression's codecs) read as the uncompressed file does; dictionary-encoded string labels are classes in the
/// dictionary's order.
/// </summary>
public sealed class ArrowCompressionTests : IDisposable
{
    private const int Count = 1000;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<CompressionCodecType, bool> Codecs => new()
    {
        { CompressionCodecType.Lz4Frame, false },
        { CompressionCodecType.Lz4Frame, true },
        { CompressionCodecType.Zstd, false },
        { CompressionCodecType.Zstd, true },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void FitFromSource_CompressedFile_GivesTheWeightsOfTheUncompressedFileBitForBit(CompressionCodecType codec, bool streamFormat)
    {
        var batches = PixelTable(Count, zeroBelow: 150); // two pixels in three are 0
        string plain = Write(_folder.File("plain.arrow"), streamFormat, null, batches);
        string compressed = Write(_folder.File("compressed.arrow"), streamFormat, new IpcOptions { CompressionCodec = codec, CompressionCodecFactory = new CompressionCodecFactory() }, batches);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 30, Seed = 11, StreamingShuffle = new StreamingShuffle { ChunkSize = 64, WindowChunks = 4 } };

        var fromPlain = SourceTrainingTests.Mlp();
        var fromCompressed = SourceTrainingTests.Mlp();
        using (var source = ArrowSource.Open(plain, "label", scale: 1f / 255))
        {
            new Trainer(options).FitFromSource(fromPlain, source);
        }

        using (var source = ArrowSource.Open(compressed, "label", scale: 1f / 255))
        {
            new Trainer(options).FitFromSource(fromCompressed, source);
            source.Count.Should().Be(Count);
        }

        new FileInfo(compressed).Length.Should().BeLessThan(new FileInfo(plain).Length, "the record batches are compressed");
        Weights.ShouldBeIdentical(Weights.Of(fromCompressed), Weights.Of(fromPlain));
    }

    [Fact]
    public void Open_DictionaryEncodedStringLabels_AreTheDictionaryIndices_AndItsStringsTheClassNames()
    {
        // The dictionary's order is the classes' (bird is class 2 though it comes first in the rows); across two record batches.
        string path = Write(
            _folder.File("t.arrow"),
            false,
            null,
            Batch(("a", Floats(0, 1, 2)), ("y", Labels(["cat", "dog", "bird"], 2, 0, 1))),
            Batch(("a", Floats(3)), ("y", Labels(["cat", "dog", "bird"], 0))));
        using var source = ArrowSource.Open(path, "y");

        var labels = new int[4];
        source.Gather([0, 1, 2, 3], default, labels, default);

        (source.ClassCount, source.IsClassification).Should().Be((3, true));
        source.ClassNames.Should().Equal("cat", "dog", "bird");
        labels.Should().Equal(2, 0, 1, 0);
        source.ToDataset().ClassNames.Should().Equal("cat", "dog", "bird");
    }

    [Fact]
    public void Open_DictionaryLabelsWithClassNamesGiven_TakesTheNamesGiven()
    {
        string path = Write(_folder.File("t.arrow"), false, null, Batch(("a", Floats(0, 1)), ("y", Labels(["cat", "dog"], 1, 0))));
        using var source = ArrowSource.Open(path, "y", classNames: ["Cat", "Dog"]);

        source.ClassNames.Should().Equal("Cat", "Dog");
    }

    [Fact]
    public void Open_DictionaryLabelsAndAnotherClassCount_NamesTheColumnAndBothCounts()
    {
        string path = Write(_folder.File("t.arrow"), false, null, Batch(("a", Floats(0, 1)), ("y", Labels(["cat", "dog", "bird"], 1, 0))));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y", classCount: 5));

        (e.FilePath, e.Location).Should().Be((path, "column 'y'"));
        e.Message.Should().Contain("classCount = 5").And.Contain("3 entries");
    }

    [Fact]
    public void Open_DictionaryOfIntegers_NamesTheColumnAndItsType()
    {
        var type = new DictionaryType(Int32Type.Default, Int64Type.Default, false);
        var values = new DictionaryArray(type, Ints(0, 1), new Int64Array.Builder().AppendRange([7, 9]).Build());
        string path = Write(_folder.File("t.arrow"), false, null, Batch(("a", Floats(0, 1)), ("y", values)));

        var e = Assert.Throws<DataFormatException>(() => ArrowSource.Open(path, "y"));

        (e.FilePath, e.Location).Should().Be((path, "column 'y'"));
        e.Message.Should().Contain("dictionary<int32, int64>");
    }

    /// <summary>A dictionary-encoded string column: <paramref name="indices"/> into <paramref name="dictionary"/>.</summary>
    private static DictionaryArray Labels(string[] dictionary, params int[] indices)
    {
        var strings = new StringArray.Builder();
        foreach (string name in dictionary)
        {
            strings.Append(name);
        }

        return new DictionaryArray(new DictionaryType(Int32Type.Default, StringType.Default, false), Ints(indices), strings.Build());
    }
}
