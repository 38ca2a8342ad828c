using System.Buffers.Binary;
using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>Files that must not read as valid (issue 19): a cut or damaged gzip trailer, foreign "Fashion-MNIST" files, exact int32 labels, inferred counts that would overflow.</summary>
public sealed class IdxIntegrityTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Read_GzipWithItsTrailerCutOff_ThrowsNamingTheFile(int cut)
    {
        var gzip = IdxFiles.Gzip(IdxFiles.Bytes([2, 3], [1, 2, 3, 4, 5, 6]));
        string path = Path.Combine(_files.Directory, "cut.gz");
        File.WriteAllBytes(path, gzip[..^cut]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.FilePath.Should().Be(path);
    }

    [Fact]
    public void Read_GzipWhoseCrcDoesNotMatch_ThrowsNamingTheFile()
    {
        var gzip = IdxFiles.Gzip(IdxFiles.Bytes([2, 3], [1, 2, 3, 4, 5, 6]));
        gzip[^8] ^= 0x01;   // the first byte of the CRC-32
        string path = Path.Combine(_files.Directory, "crc.gz");
        File.WriteAllBytes(path, gzip);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));

        e.FilePath.Should().Be(path);
    }

    [Fact]
    public void Read_IntactGzip_StillReads()
    {
        var values = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        string path = _files.Write("ok.gz", IdxFiles.Bytes([50, 100], values), gzip: true);

        IdxReader.Read(path).Values.ToArray().Should().Equal(values.Select(v => (float)v));
    }

    [Fact]
    public void ReadLabels_Int32Above2To24_AreReadExactly()
    {
        string path = _files.Write("labels", Int32Labels(16_777_217, 3), gzip: true);

        IdxReader.ReadLabels(path).Should().Equal(16_777_217, 3);
    }

    [Fact]
    public void ReadDataset_Int32LabelsAbove2To24WithClassCount_KeepsThem()
    {
        string images = _files.Write("images", IdxFiles.Bytes([2, 1], [1, 2]));
        string labels = _files.Write("labels", Int32Labels(16_777_217, 0));

        IdxReader.ReadDataset(images, labels, classCount: 16_777_218).Labels.Should().Equal(16_777_217, 0);
    }

    [Fact]
    public void ReadDataset_LabelIntMaxValueWithoutClassCount_ThrowsNamingTheLabelsFile()
    {
        string images = _files.Write("images", IdxFiles.Bytes([2, 1], [1, 2]));
        string labels = _files.Write("labels", Int32Labels(0, int.MaxValue));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(images, labels));

        e.FilePath.Should().Be(labels);
        e.Location.Should().Contain("label 1");
        e.Message.Should().Contain("2147483647");
    }

    [Fact]
    public void LoadFrom_ThreeByThreeImages_ThrowsNamingTheFileAndTheExpectedShape()
    {
        _files.WriteFashionMnist(2, 2);
        string images = _files.Write(FashionMnist.TrainImagesFile, IdxFiles.Bytes([2, 3, 3], new byte[18]), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("28 × 28").And.Contain("2 × 3 × 3");
    }

    [Fact]
    public void LoadFrom_LabelFileThatHoldsImages_ThrowsNamingTheLabelFile()
    {
        _files.WriteFashionMnist(2, 2);
        string labels = _files.Write(FashionMnist.TestLabelsFile, IdxFiles.Bytes([2, 28, 28], new byte[2 * 784]), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory));

        e.FilePath.Should().Be(labels);
        e.Message.Should().Contain("1 dimension");
    }

    [Fact]
    public void LoadFrom_Int32Images_ThrowsNamingTheFileAndTheType()
    {
        _files.WriteFashionMnist(2, 2);
        string images = _files.Write(FashionMnist.TestImagesFile, IdxFiles.Bytes([2, 28, 28], new byte[2 * 784 * 4], type: 0x0C), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("unsigned bytes");
    }

    [Fact]
    public void LoadFrom_CountsThatDisagree_ThrowsNamingTheImagesFile()
    {
        _files.WriteFashionMnist(3, 2);
        string images = _files.Write(FashionMnist.TrainImagesFile, IdxFiles.Bytes([2, 28, 28], new byte[2 * 784]), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory));

        e.FilePath.Should().Be(images);
        e.Message.Should().Contain("Expected 3 items");
    }

    private static byte[] Int32Labels(params int[] labels)
    {
        var values = new byte[4 * labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(values.AsSpan(4 * i), labels[i]);
        }

        return IdxFiles.Bytes([labels.Length], values, type: 0x0C);
    }
}
