using TransferLearning.Data;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>File-system failures of the data loaders are IOExceptions naming the path (issue 19), never UnauthorizedAccessException.</summary>
public sealed class DataFileSystemTests : IDisposable
{
    private readonly IdxFiles _files = new();

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (var folder in Directory.EnumerateDirectories(_files.Directory))
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        _files.Dispose();
    }

    public static TheoryData<string> Loaders => ["IdxReader.Read", "IdxReader.ReadLabels", "IdxReader.ReadDataset", "CsvReader.ReadDataset"];

    [Theory]
    [MemberData(nameof(Loaders))]
    public void Loader_DirectoryGivenAsAFile_ThrowsIOExceptionNamingThePath(string loader)
    {
        string folder = Path.Combine(_files.Directory, "a-folder.gz");
        Directory.CreateDirectory(folder);

        var e = Assert.ThrowsAny<IOException>(() => Load(loader, folder));

        e.Should().BeOfType<IOException>();
        e.Message.Should().Contain(folder);
    }

    [Fact]
    public void FashionMnist_AFileGivenAsTheFolder_ThrowsDirectoryNotFoundNamingIt()
    {
        string file = _files.Write("not-a-folder", [1, 2, 3]);

        var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.LoadFrom(file));

        e.Message.Should().Contain(file);
    }

    [Fact]
    public void FashionMnist_ADirectoryUnderAFileName_ThrowsIOExceptionNamingIt()
    {
        _files.WriteFashionMnist(2, 2);
        string labels = Path.Combine(_files.Directory, FashionMnist.TrainLabelsFile);
        File.Delete(labels);
        Directory.CreateDirectory(labels);

        var e = Assert.ThrowsAny<IOException>(() => FashionMnist.LoadFrom(_files.Directory));

        e.Should().BeOfType<IOException>();
        e.Message.Should().Contain(labels);
    }

    [SkippableTheory]
    [MemberData(nameof(Loaders))]
    public void Loader_FileInAnUnreadableFolder_ThrowsIOExceptionNamingThePathWithTheCauseInside(string loader)
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes are needed to make a folder unreadable.");
        Skip.If(Environment.UserName == "root", "Running as root: a folder without permissions is still readable, so the failure cannot be produced here.");
        string folder = Path.Combine(_files.Directory, "locked");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "data");
        File.WriteAllBytes(path, IdxFiles.Bytes([1], [0]));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.None);
        }

        var e = Assert.ThrowsAny<IOException>(() => Load(loader, path));

        e.Should().BeOfType<IOException>();
        e.Message.Should().Contain(path);
        e.InnerException.Should().BeOfType<UnauthorizedAccessException>();
    }

    private static object Load(string loader, string path) => loader switch
    {
        "IdxReader.Read" => IdxReader.Read(path),
        "IdxReader.ReadLabels" => IdxReader.ReadLabels(path),
        "IdxReader.ReadDataset" => IdxReader.ReadDataset(path, path),
        _ => CsvReader.ReadDataset(path),
    };
}
