using System.Globalization;
using System.Security.Cryptography;
using TransferLearning.Data;

namespace TransferLearning.Samples;

/// <summary>
/// Fetching Fashion-MNIST's four files into a cache folder, each verified by its SHA-256 before it is kept
/// (the samples' business: the library reads a folder it is given and never goes to the network).
/// </summary>
public static class FashionMnistDownload
{
    /// <summary>Gets the data set's official download address (the four files sit directly under it).</summary>
    public static Uri OfficialBaseAddress { get; } = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /// <summary>
    /// Gets the SHA-256 of each official file (lower-case hex), as installed by the Debian package
    /// <c>dataset-fashion-mnist</c> from the official release.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Sha256 { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [FashionMnist.TrainImagesFile] = "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        [FashionMnist.TrainLabelsFile] = "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        [FashionMnist.TestImagesFile] = "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        [FashionMnist.TestLabelsFile] = "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    };

    /// <summary>
    /// Downloads the four files into <paramref name="cacheDirectory"/> (skipping any already there with the right
    /// SHA-256) and returns that folder, ready for <see cref="FashionMnist.LoadFrom"/>.
    /// </summary>
    /// <remarks>
    /// Each file is written to a temporary file beside its final name, its SHA-256 computed as it arrives, and
    /// only a file whose hash matches <see cref="Sha256"/> is renamed into place: a corrupted, truncated or
    /// interrupted download is deleted and reported, never left in the cache. A cached file with a wrong hash
    /// is downloaded again.
    /// </remarks>
    /// <param name="cacheDirectory">The folder to keep the files in (created if needed).</param>
    /// <param name="baseAddress">Where the four files are; <see langword="null"/> (the default) for <see cref="OfficialBaseAddress"/>.</param>
    /// <param name="httpClient">The client to use; <see langword="null"/> (the default) for a new one, disposed afterwards.</param>
    /// <param name="cancellationToken">Cancels the download (the partial file is deleted).</param>
    /// <returns>The full path of <paramref name="cacheDirectory"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="cacheDirectory"/> is null or empty.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached or answered with an error status.</exception>
    /// <exception cref="DataFormatException">A downloaded file's SHA-256 is not the official one (corrupted or truncated), or the transfer broke off.</exception>
    public static Task<string> DownloadAsync(
        string cacheDirectory, Uri? baseAddress = null, HttpClient? httpClient = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(cacheDirectory, baseAddress ?? OfficialBaseAddress, Sha256, httpClient, cancellationToken);

    /// <summary>The download with the expected hashes made explicit (tests serve small files of their own).</summary>
    public static async Task<string> DownloadAsync(
        string cacheDirectory, Uri baseAddress, IReadOnlyDictionary<string, string> expectedSha256, HttpClient? httpClient, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheDirectory);
        ArgumentNullException.ThrowIfNull(baseAddress);
        string directory = Path.GetFullPath(cacheDirectory);
        Directory.CreateDirectory(directory);
        var client = httpClient ?? new HttpClient();
        try
        {
            foreach (string name in FashionMnist.FileNames)
            {
                string target = Path.Combine(directory, name);
                string expected = expectedSha256[name];
                if (File.Exists(target) && string.Equals(await HashOfFileAsync(target, cancellationToken).ConfigureAwait(false), expected, StringComparison.Ordinal))
                {
                    continue;
                }

                await DownloadOneAsync(client, new Uri(baseAddress, name), target, expected, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (httpClient is null)
            {
                client.Dispose();
            }
        }

        return directory;
    }

    private static async Task DownloadOneAsync(HttpClient client, Uri address, string target, string expectedSha256, CancellationToken cancellationToken)
    {
        string temporary = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            long length;
            string actual;
            using (var response = await client.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException(
                        string.Create(CultureInfo.InvariantCulture, $"Expected the Fashion-MNIST file at {address} but the server answered {(int)response.StatusCode} {response.ReasonPhrase}."),
                        null,
                        response.StatusCode);
                }

                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await using (file.ConfigureAwait(false))
                    {
                        var buffer = new byte[1 << 16];
                        length = 0;
                        try
                        {
                            int read;
                            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                            {
                                hash.AppendData(buffer, 0, read);
                                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                                length += read;
                            }
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException)
                        {
                            throw new DataFormatException(
                                address.ToString(),
                                string.Create(CultureInfo.InvariantCulture, $"byte offset {length}"),
                                string.Create(CultureInfo.InvariantCulture, $"The download broke off after {length:N0} bytes ({e.Message}); nothing was saved."),
                                e);
                        }
                    }
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
            {
                throw new DataFormatException(
                    address.ToString(),
                    string.Create(CultureInfo.InvariantCulture, $"the whole file ({length:N0} bytes)"),
                    $"Expected SHA-256 {expectedSha256} but the download has {actual}: it is corrupted or truncated, and was not saved.");
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task<string> HashOfFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }
}
