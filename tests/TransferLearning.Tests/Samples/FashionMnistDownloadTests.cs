using System.Security.Cryptography;
using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>
/// Downloads from a local HTTP server on 127.0.0.1 (no test reaches any other address): good files are kept,
/// corrupted, truncated or broken-off ones are rejected with a clear error and never left in the cache.
/// </summary>
public sealed class FashionMnistDownloadTests : IAsyncDisposable
{
    private readonly LoopbackFileServer _server = new();
    private readonly IdxFiles _source = new();
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "tl-cache-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public FashionMnistDownloadTests()
    {
        // Four small, valid files of the official names; the server serves them, and their hashes are "official" here.
        _source.WriteFashionMnist(trainCount: 30, testCount: 10);
        foreach (string name in FashionMnist.FileNames)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_source.Directory, name));
            _server.Serve(name, bytes);
            _hashes[name] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _source.Dispose();
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private Task<string> Download() => FashionMnistDownload.DownloadAsync(_cache, _server.BaseAddress, _hashes, httpClient: null, CancellationToken.None);

    [Fact]
    public async Task DownloadAsync_GoodFiles_AreCachedAndLoad()
    {
        string directory = await Download();

        directory.Should().Be(Path.GetFullPath(_cache));
        Directory.GetFiles(_cache).Select(Path.GetFileName).Should().BeEquivalentTo(FashionMnist.FileNames, "only the four verified files, no temporary ones");
        var data = FashionMnist.LoadFrom(directory);
        data.Train.Count.Should().Be(30);
        data.Test.Count.Should().Be(10);
    }

    [Fact]
    public async Task DownloadAsync_FilesAlreadyCached_AreNotFetchedAgain()
    {
        await Download();
        int first = _server.Requests.Count;

        await Download();

        first.Should().Be(4);
        _server.Requests.Should().HaveCount(4, "a cached file with the right hash is kept");
    }

    [Fact]
    public async Task DownloadAsync_CorruptedFile_IsRejectedNamingTheHashesAndNotCached()
    {
        var corrupted = File.ReadAllBytes(Path.Combine(_source.Directory, FashionMnist.TestImagesFile));
        corrupted[corrupted.Length / 2] ^= 0xFF;
        _server.Serve(FashionMnist.TestImagesFile, corrupted);

        var e = await Assert.ThrowsAsync<DataFormatException>(Download);

        e.Message.Should().Be(
            $"{_server.BaseAddress}{FashionMnist.TestImagesFile}, the whole file ({corrupted.Length:N0} bytes): " +
            $"Expected SHA-256 {_hashes[FashionMnist.TestImagesFile]} but the download has {Convert.ToHexStringLower(SHA256.HashData(corrupted))}: it is corrupted or truncated, and was not saved.");
        File.Exists(Path.Combine(_cache, FashionMnist.TestImagesFile)).Should().BeFalse();
        Directory.GetFiles(_cache).Should().NotContain(f => f.EndsWith(".part", StringComparison.Ordinal), "the temporary file is deleted");
    }

    [Fact]
    public async Task DownloadAsync_TruncatedFile_IsRejectedAndNotCached()
    {
        var whole = File.ReadAllBytes(Path.Combine(_source.Directory, FashionMnist.TrainImagesFile));
        _server.Serve(FashionMnist.TrainImagesFile, whole[..(whole.Length / 3)]);

        var e = await Assert.ThrowsAsync<DataFormatException>(Download);

        e.Message.Should().Contain("it is corrupted or truncated, and was not saved").And.Contain(FashionMnist.TrainImagesFile);
        Directory.GetFiles(_cache).Select(Path.GetFileName).Should().BeEmpty("the first file failed, so nothing is cached");
    }

    [Fact]
    public async Task DownloadAsync_ConnectionBreaksOff_IsRejectedAndNotCached()
    {
        var whole = File.ReadAllBytes(Path.Combine(_source.Directory, FashionMnist.TrainLabelsFile));
        _server.Serve(FashionMnist.TrainLabelsFile, whole[..10], declaredLength: whole.Length);

        var e = await Assert.ThrowsAsync<DataFormatException>(Download);

        e.Message.Should().StartWith($"{_server.BaseAddress}{FashionMnist.TrainLabelsFile}, byte offset ").And.Contain("The download broke off after").And.EndWith("nothing was saved.");
        File.Exists(Path.Combine(_cache, FashionMnist.TrainLabelsFile)).Should().BeFalse();
        Directory.GetFiles(_cache).Should().NotContain(f => f.EndsWith(".part", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_CachedFileWithWrongHash_IsReplacedByAGoodDownload()
    {
        Directory.CreateDirectory(_cache);
        await File.WriteAllBytesAsync(Path.Combine(_cache, FashionMnist.TestLabelsFile), [1, 2, 3]);

        await Download();

        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_cache, FashionMnist.TestLabelsFile))))
            .Should().Be(_hashes[FashionMnist.TestLabelsFile]);
    }

    [Fact]
    public async Task DownloadAsync_MissingOnServer_ThrowsNamingTheAddressAndStatus()
    {
        var e = await Assert.ThrowsAsync<HttpRequestException>(() =>
            FashionMnistDownload.DownloadAsync(_cache, new Uri(_server.BaseAddress, "elsewhere/"), _hashes, httpClient: null, CancellationToken.None));

        e.Message.Should().Be($"Expected the Fashion-MNIST file at {_server.BaseAddress}elsewhere/{FashionMnist.TrainImagesFile} but the server answered 404 Not Found.");
    }
}
