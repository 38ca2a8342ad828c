using System.Security.Cryptography;
using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>The samples' search and download on the real, full Fashion-MNIST (skipped visibly when it is not installed; a failure under CI=true).</summary>
[Trait("Category", "Slow")]
public class FashionMnistInstalledTests
{
    [SkippableFact]
    public void LoadFullOrSubset_FullSetInstalled_LoadsTheFullSet()
    {
        var installed = FashionMnistFixture.Require();

        FashionMnistFolders.LoadFullOrSubset().Directory.Should().Be(installed.Directory);
    }

    [SkippableFact]
    public async Task DownloadAsync_OfficialFilesFromALoopbackServer_PassTheBuiltInHashes()
    {
        var installed = FashionMnistFixture.Require();
        await using var server = new LoopbackFileServer();
        foreach (string name in FashionMnist.FileNames)
        {
            server.Serve(name, await File.ReadAllBytesAsync(Path.Combine(installed.Directory, name)));
        }

        string cache = Path.Combine(Path.GetTempPath(), "tl-official-" + Guid.NewGuid().ToString("N"));
        try
        {
            await FashionMnistDownload.DownloadAsync(cache, server.BaseAddress);

            foreach (string name in FashionMnist.FileNames)
            {
                Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(cache, name)))).Should().Be(FashionMnistDownload.Sha256[name]);
            }
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
