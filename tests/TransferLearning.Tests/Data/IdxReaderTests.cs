using System.Buffers.Binary;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The IDX reader: every element type, raw and gzip, and a clear error naming file, offset and defect for every bad file.</summary>
public sealed class IdxReaderTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_UnsignedBytes_ReturnsDimensionsAndRowMajorValues(bool gzip)
    {
        string path = _files.Write("images", IdxFiles.Bytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), gzip);

        var tensor = IdxReader.Read(path);

        tensor.DataType.Should().Be(IdxDataType.UnsignedByte);
        tensor.Dimensions.Should().Equal(2, 2, 3);
        tensor.Count.Should().Be(2);
        tensor.ItemSize.Should().Be(6);
        tensor.Values.ToArray().Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255);
    }

    [Fact]
    public void Read_GzipFileWithoutGzName_IsDetectedByItsMagicBytes()
    {
        string gzipNamedPlain = _files.Write("labels-idx1-ubyte", IdxFiles.Bytes([3], [7, 8, 9]), gzip: true);
        string plainNamedGz = _files.Write("labels-idx1-ubyte.gz", IdxFiles.Bytes([3], [7, 8, 9]), gzip: false);

        IdxReader.Read(gzipNamedPlain).Values.ToArray().Should().Equal(7, 8, 9);
        IdxReader.Read(plainNamedGz).Values.ToArray().Should().Equal(7, 8, 9);
    }

    [Fact]
    public void Read_Scale_MultipliesEveryValue()
    {
        string path = _files.Write("images", IdxFiles.Bytes([3], [0, 51, 255]));

        IdxReader.Read(path, scale: 1f / 255).Values.ToArray().Should().Equal(0f, 51 * (1f / 255), 1f);
    }

    [Fact]
    public void Read_BigEndianTypes_DecodeEachValue()
    {
        var int16 = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(int16, -300);
        BinaryPrimitives.WriteInt16BigEndian(int16.AsSpan(2), 1000);
        var int32 = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(int32, -70_000);
        var single = new byte[4];
        BinaryPrimitives.WriteSingleBigEndian(single, 1.5f);
        var dbl = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(dbl, -2.25);

        IdxReader.Read(_files.Write("s8", IdxFiles.Bytes([2], [0xFF, 0x05], type: 0x09))).Values.ToArray().Should().Equal(-1, 5);
        IdxReader.Read(_files.Write("i16", IdxFiles.Bytes([2], int16, type: 0x0B))).Values.ToArray().Should().Equal(-300, 1000);
        IdxReader.Read(_files.Write("i32", IdxFiles.Bytes([1], int32, type: 0x0C))).Values.ToArray().Should().Equal(-70_000);
        IdxReader.Read(_files.Write("f32", IdxFiles.Bytes([1], single, type: 0x0D))).Values.ToArray().Should().Equal(1.5f);
        IdxReader.Read(_files.Write("f64", IdxFiles.Bytes([1], dbl, type: 0x0E))).Values.ToArray().Should().Equal(-2.25f);
    }

    [Fact]
    public void ReadDataset_ImagesAndLabels_EachImageIsOneColumnWithItsLabel()
    {
        string images = _files.Write("images.gz", IdxFiles.Bytes([3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), gzip: true);
        string labels = _files.Write("labels.gz", IdxFiles.Bytes([3], [2, 0, 1]), gzip: true);

        var data = IdxReader.ReadDataset(images, labels, classNames: ["a", "b", "c"]);

        data.FeatureCount.Should().Be(4);
        data.Count.Should().Be(3);
        data.ClassCount.Should().Be(3);
        data.Labels.Should().Equal(2, 0, 1);
        data.Features.Column(1).ToArray().Should().Equal(5, 6, 7, 8);
        data.ClassName(2).Should().Be("c");
    }

    [Fact]
    public void ReadLabels_LabelFile_ReturnsIntegers() =>
        IdxReader.ReadLabels(_files.Write("labels", IdxFiles.Bytes([4], [3, 1, 4, 1])), classCount: 5).Should().Equal(3, 1, 4, 1);

    // ---- Bad files: one exception type, naming the file, the place and the defect. ----

    [Fact]
    public void Read_TruncatedData_ThrowsNamingFileOffsetAndTruncation()
    {
        var bytes = IdxFiles.Bytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
        string path = _files.Write("cut", bytes[..^3]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.Message.Should().Be($"{path}, byte offset 21: The file is truncated: it ends while reading 8 values of 1 byte(s) after the 16-byte header.");
        e.FilePath.Should().Be(path);
        e.Location.Should().Be("byte offset 21");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_HeaderPromisingGigabytes_FailsAsTruncatedWithoutAllocatingThem(bool gzip)
    {
        // 12 bytes that claim 32,768 × 32,768 values (4 GB of floats): the reader must not trust the header.
        string path = _files.Write("huge", IdxFiles.Bytes([32768, 32768], [1, 2, 3, 4]), gzip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        e.Message.Should().Contain("The file is truncated");
        allocated.Should().BeLessThan(4 * 1024 * 1024, "the values array grows with the data that is really there");
    }

    [Fact]
    public void Read_TruncatedHeader_ThrowsNamingTheDimensions()
    {
        string path = _files.Write("cut", IdxFiles.Bytes([60000, 28, 28], [])[..9]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.Message.Should().Be($"{path}, byte offset 9: The file is truncated: it ends while reading 3 dimension sizes.");
    }

    [Fact]
    public void Read_TruncatedGzip_ThrowsNamingTheDecompressedOffset()
    {
        var gzip = IdxFiles.Gzip(IdxFiles.Bytes([1000], Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray()));
        string path = _files.Write("cut.gz", gzip[..(gzip.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.Message.Should().StartWith($"{path}, decompressed byte offset ").And.Contain("1,000 values of 1 byte(s) after the 8-byte header");
    }

    [Fact]
    public void Read_WrongMagicNumber_ThrowsShowingTheBytesFound()
    {
        string path = _files.Write("notidx.csv", "1,2,3\n4,5,6\n"u8.ToArray());

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.Message.Should().Be($"{path}, byte offset 0: Expected an IDX magic number 00 00 <type 08, 09, 0B, 0C, 0D or 0E> <dimensions 1 to 16> but found 312C322C.");
    }

    [Fact]
    public void Read_UnknownElementType_ThrowsAtOffsetZero()
    {
        string path = _files.Write("bad-type", IdxFiles.Bytes([1], [0], type: 0x0A));

        Assert.Throws<DataFormatException>(() => IdxReader.Read(path)).Message.Should().Contain("byte offset 0").And.Contain("found 00000A01");
    }

    [Fact]
    public void Read_TrailingBytes_ThrowsSayingWhereTheFileShouldEnd()
    {
        string path = _files.Write("long", [.. IdxFiles.Bytes([2], [1, 2]), 99]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.Message.Should().Be($"{path}, byte offset 10: Expected the file to end after 10 bytes (a 8-byte header and 2 values of 1 byte(s) for dimensions 2) but it goes on.");
    }

    [Fact]
    public void ReadDataset_CountsDisagree_ThrowsNamingBothFilesAndCounts()
    {
        string images = _files.Write("images", IdxFiles.Bytes([3, 2], [1, 2, 3, 4, 5, 6]));
        string labels = _files.Write("labels", IdxFiles.Bytes([2], [0, 1]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(images, labels));

        e.Message.Should().Be($"{images}, byte offset 4 (the item count): Expected 2 items, one per label in {labels}, but the file holds 3.");
    }

    [Fact]
    public void ReadDataset_LabelOutOfRange_ThrowsNamingTheLabelAndItsOffset()
    {
        string images = _files.Write("images", IdxFiles.Bytes([3, 1], [1, 2, 3]));
        string labels = _files.Write("labels", IdxFiles.Bytes([3], [0, 1, 12]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(images, labels, classCount: 10));

        e.Message.Should().Be($"{labels}, byte offset 10 (label 2): Expected labels in [0, 10) but label 2 is 12.");
    }

    [Fact]
    public void ReadLabels_TwoDimensionalFile_ThrowsSayingALabelFileHasOneDimension()
    {
        string path = _files.Write("labels", IdxFiles.Bytes([2, 2], [0, 1, 1, 0]));

        Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path)).Message
            .Should().Be($"{path}, byte offset 3 (the number of dimensions): Expected a label file of 1 dimension but it has 2 (2 × 2).");
    }

    [Fact]
    public void ReadDataset_NoItems_ThrowsSayingTheSetIsEmpty()
    {
        string images = _files.Write("images", IdxFiles.Bytes([0, 28, 28], []));
        string labels = _files.Write("labels", IdxFiles.Bytes([0], []));

        Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(images, labels)).Message
            .Should().Be($"{images}, byte offset 4 (the dimensions): Expected at least one item of at least one value but the dimensions are 0 × 28 × 28.");
    }

    [Fact]
    public void Read_DimensionsTooLargeForAnArray_ThrowsBeforeAllocating()
    {
        string path = _files.Write("huge", IdxFiles.Bytes([0, 100_000, 100_000], []));

        Assert.Throws<DataFormatException>(() => IdxReader.Read(path)).Message
            .Should().Be($"{path}, byte offset 12: Expected at most {Array.MaxLength:N0} values but dimensions 0 × 100000 × 100000 hold 10,000,000,000.");
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => IdxReader.Read(Path.Combine(_files.Directory, "absent")));

    [Fact]
    public void DataFormatException_IsAnIOException() =>
        new DataFormatException("f", "byte offset 1", "bad").Should().BeAssignableTo<IOException>()
            .Which.Message.Should().Be("f, byte offset 1: bad");
}
