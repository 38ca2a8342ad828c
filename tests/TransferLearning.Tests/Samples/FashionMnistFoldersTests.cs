using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>Where the samples look for Fashion-MNIST, on small files of the same names: search order and a helpful "not found".</summary>
public sealed class FashionMnistFoldersTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Find_CallerFolderHoldsTheFiles_IsPreferredToTheEnvironmentAndTheSystemFolder()
    {
        _files.WriteFashionMnist(2, 2);
        using var other = new IdxFiles();
        other.WriteFashionMnist(2, 2);

        FashionMnistFolders.Find(_files.Directory, other.Directory, other.Directory).Should().Be(_files.Directory);
    }

    [Fact]
    public void Find_CallerFolderLacksAFile_FallsBackToTheEnvironmentFolder()
    {
        _files.WriteFashionMnist(2, 2);
        File.Delete(Path.Combine(_files.Directory, FashionMnist.TestLabelsFile));
        using var environment = new IdxFiles();
        environment.WriteFashionMnist(2, 2);

        FashionMnistFolders.Find(_files.Directory, environment.Directory, "/nonexistent").Should().Be(environment.Directory);
    }

    [Fact]
    public void Find_OnlyTheSystemFolderHoldsTheFiles_ReturnsIt()
    {
        _files.WriteFashionMnist(2, 2);

        FashionMnistFolders.Find(null, null, _files.Directory).Should().Be(_files.Directory);
        FashionMnistFolders.Find("/nonexistent/a", "/nonexistent/b", "/nonexistent/c").Should().BeNull();
    }

    [Fact]
    public void NotFoundMessage_ListsTheFoldersSearchedAndHowToGetTheData() =>
        FashionMnistFolders.NotFoundMessage(["/a", "/b"]).Should().Be(
            "Expected the Fashion-MNIST files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) " +
            "in one of '/a', '/b', but no folder holds all four. Install the Debian package dataset-fashion-mnist, set FASHION_MNIST_DIR to a folder holding them, " +
            "or fetch them with FashionMnistDownload.DownloadAsync(cacheDirectory) and pass that folder.");
}
