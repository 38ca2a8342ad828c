using System.Buffers.Binary;
using System.IO.Compression;

namespace TransferLearning.Tests.Support;

/// <summary>Writes small IDX files (raw or gzip) into a temporary folder that is deleted on dispose.</summary>
internal sealed class IdxFiles : IDisposable
{
    public IdxFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tl-idx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>The bytes of an IDX file of unsigned bytes: magic 00 00 08 rank, big-endian sizes, then the values.</summary>
    public static byte[] Bytes(int[] dimensions, byte[] values, byte type = 0x08)
    {
        var header = new byte[4 + (4 * dimensions.Length)];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        return [.. header, .. values];
    }

    public static byte[] Gzip(byte[] bytes, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    /// <summary>Writes <paramref name="bytes"/> (gzip-compressed when asked) to a file of that name and returns its path.</summary>
    public string Write(string name, byte[] bytes, bool gzip = false)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
        return path;
    }

    /// <summary>Writes the four Fashion-MNIST files (gzip) for a few images: pixel p of image i is (i + p) % 256, label i % 10.</summary>
    public void WriteFashionMnist(int trainCount, int testCount)
    {
        WriteImagesAndLabels("train", trainCount);
        WriteImagesAndLabels("t10k", testCount);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private void WriteImagesAndLabels(string prefix, int count)
    {
        var pixels = new byte[count * 784];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i / 784) + (i % 784));
        }

        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        Write($"{prefix}-images-idx3-ubyte.gz", Bytes([count, 28, 28], pixels), gzip: true);
        Write($"{prefix}-labels-idx1-ubyte.gz", Bytes([count], labels), gzip: true);
    }
}
