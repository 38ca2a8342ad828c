using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The Fashion-MNIST loader on small files of the same names: search order, scaling, names, and a helpful "not found".</summary>
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
    public void FindDirectory_CallerFolderHoldsTheFiles_IsPreferredToTheEnvironmentAndTheSystemFolder()
    {
        _files.WriteFashionMnist(2, 2);
        using var other = new IdxFiles();
        other.WriteFashionMnist(2, 2);

        FashionMnist.FindDirectory(_files.Directory, other.Directory, other.Directory).Should().Be(_files.Directory);
    }

    [Fact]
    public void FindDirectory_CallerFolderLacksAFile_FallsBackToTheEnvironmentFolder()
    {
        _files.WriteFashionMnist(2, 2);
        File.Delete(Path.Combine(_files.Directory, FashionMnist.TestLabelsFile));
        using var environment = new IdxFiles();
        environment.WriteFashionMnist(2, 2);

        FashionMnist.FindDirectory(_files.Directory, environment.Directory, "/nonexistent").Should().Be(environment.Directory);
    }

    [Fact]
    public void FindDirectory_OnlyTheSystemFolderHoldsTheFiles_ReturnsIt()
    {
        _files.WriteFashionMnist(2, 2);

        FashionMnist.FindDirectory(null, null, _files.Directory).Should().Be(_files.Directory);
        FashionMnist.FindDirectory("/nonexistent/a", "/nonexistent/b", "/nonexistent/c").Should().BeNull();
    }

    [Fact]
    public void NotFoundMessage_ListsTheFoldersSearchedAndHowToGetTheData() =>
        FashionMnist.NotFoundMessage(["/a", "/b"]).Should().Be(
            "Expected the Fashion-MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) " +
            "in one of '/a', '/b', but no folder holds all four. Install the Debian package dataset-fashion-mnist, set FASHION_MNIST_DIR to a folder holding them, " +
            "or fetch them with FashionMnist.DownloadAsync(cacheDirectory) and pass that folder.");

    [Fact]
    public void LoadFrom_LabelTenInTheTestFile_ThrowsNamingTheFileAndLabel()
    {
        _files.WriteFashionMnist(2, 2);
        string labels = _files.Write(FashionMnist.TestLabelsFile, IdxFiles.Bytes([2], [3, 10]), gzip: true);

        Assert.Throws<DataFormatException>(() => FashionMnist.LoadFrom(_files.Directory)).Message
            .Should().Be($"{labels}, decompressed byte offset 9 (label 1): Expected labels in [0, 10) but label 1 is 10.");
    }
}
