using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The Fashion-MNIST loader on small files of the same names: scaling, names, and a malformed file named.</summary>
public sealed class FashionMnistTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void LoadFrom_FourFiles_ScalesPixelsAndNamesTheTenClasses()
    {
        _files.WriteFashionMnist(trainCount: 20, testCount: 10);

        var data = FashionMnist.LoadFrom(_files.Directory);

        data.Train.Count.Should().Be(20);
        data.Test.Count.Should().Be(10);
        data.Train.FeatureCount.Should().Be(784);
        data.Train.ClassCount.Should().Be(10);
        data.Train.Labels.Should().Equal(Enumerable.Range(0, 20).Select(i => i % 10));
        data.Train.Features[5, 3].Should().Be((3 + 5) / 255f, "pixel 5 of image 3 is (3 + 5) / 255");
        data.Train.ClassNames.Should().Equal("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        data.Test.ClassName(9).Should().Be("Ankle boot");
        data.Directory.Should().Be(Path.GetFullPath(_files.Directory));
        data.Description.Should().Be($"Fashion-MNIST, 20 training and 10 test images, from {Path.GetFullPath(_files.Directory)}");
    }

    [Fact]
    public void LoadFrom_LabelTenInTheTestFile_ThrowsNamingTheFileAndLabel()
    {
        _files.WriteFashionMnist(2, 2);
        string labels = _files.Write(FashionMnist.TestLabelsFile, IdxFiles.Bytes([2], [3, 10]), gzip: true);

        Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory)).Message
            .Should().Be($"{labels}, decompressed byte offset 9 (label 1): Expected labels in [0, 10) but label 1 is 10.");
    }
}
