using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>IDX images kept as stored (memory-mapped raw, or decompressed bytes for gzip) and gathered as IdxReader reads them.</summary>
public sealed class IdxSourceTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_GathersWhatIdxReaderReads(bool gzip)
    {
        var pixels = Enumerable.Range(0, 5 * 2 * 3).Select(v => (byte)(v * 9)).ToArray();
        string images = _files.Write("images", IdxFiles.Bytes([5, 2, 3], pixels), gzip);
        string labels = _files.Write("labels", IdxFiles.Bytes([5], [1, 0, 2, 1, 0]), gzip);
        using var source = IdxSource.Open(images, labels, scale: 1f / 255, classNames: ["a", "b", "c"]);

        var expected = IdxReader.ReadDataset(images, labels, scale: 1f / 255);
        var read = source.ToDataset();

        (source.Count, source.FeatureCount, source.ClassCount).Should().Be((5, 6, 3));
        read.FeatureValues.ToArray().Should().Equal(expected.FeatureValues.ToArray());
        read.Labels.Should().Equal(expected.Labels);
        source.ClassNames.Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Open_NotUnsignedBytes_NamesTheFileAndTheMagicNumber()
    {
        string images = _files.Write("images", IdxFiles.Bytes([1, 1], [0, 0, 0, 0], type: 0x0D));
        string labels = _files.Write("labels", IdxFiles.Bytes([1], [0]));

        var e = Assert.Throws<DataFormatException>(() => IdxSource.Open(images, labels));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("00000D02");
    }

    [Fact]
    public void Open_CountsDisagree_NamesBothCounts()
    {
        string images = _files.Write("images", IdxFiles.Bytes([2, 2], [1, 2, 3, 4]));
        string labels = _files.Write("labels", IdxFiles.Bytes([3], [0, 1, 0]));

        var e = Assert.Throws<DataFormatException>(() => IdxSource.Open(images, labels));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("3 labels").And.Contain("found 2");
    }

    [Fact]
    public void Open_Truncated_NamesExpectedAndActualLengths()
    {
        var bytes = IdxFiles.Bytes([2, 2], [1, 2, 3, 4]);
        string images = _files.Write("images", bytes[..^1]);
        string labels = _files.Write("labels", IdxFiles.Bytes([2], [0, 1]));

        var e = Assert.Throws<DataFormatException>(() => IdxSource.Open(images, labels));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("Expected 16 bytes").And.Contain("holds 15");
    }
}
