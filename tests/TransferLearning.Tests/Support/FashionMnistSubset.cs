using MathNet.Numerics.Random;
using TransferLearning.Data;

namespace TransferLearning.Tests.Support;

/// <summary>
/// The generator of the bundled subset in <c>samples/data/fashion-mnist-subset</c>: a seeded, stratified draw
/// of <see cref="TrainPerClass"/> training and <see cref="TestPerClass"/> test images per class from the full
/// Fashion-MNIST, in a seeded random order, written as gzip IDX files under the official names.
/// <c>FashionMnistSubsetTests</c> checks the committed files against it; set <c>REGENERATE_FASHION_MNIST_SUBSET=1</c>
/// and run that test to write them again.
/// </summary>
public static class FashionMnistSubset
{
    public const int TrainPerClass = 800;
    public const int TestPerClass = 100;
    public const int Seed = 2017;

    /// <summary>The subset's folder in the repository.</summary>
    public static string Directory => Path.Combine(RepositoryRoot(), "samples", "data", "fashion-mnist-subset");

    /// <summary>The four files' uncompressed IDX bytes, by official file name.</summary>
    public static Dictionary<string, byte[]> Generate(string fullDirectory)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Add(files, fullDirectory, FashionMnist.TrainImagesFile, FashionMnist.TrainLabelsFile, TrainPerClass, Seed);
        Add(files, fullDirectory, FashionMnist.TestImagesFile, FashionMnist.TestLabelsFile, TestPerClass, Seed + 1);
        return files;
    }

    public static void Write(string fullDirectory, string targetDirectory)
    {
        foreach (var (name, bytes) in Generate(fullDirectory))
        {
            File.WriteAllBytes(Path.Combine(targetDirectory, name), IdxFiles.Gzip(bytes, System.IO.Compression.CompressionLevel.SmallestSize));
        }
    }

    private static void Add(Dictionary<string, byte[]> files, string directory, string imagesFile, string labelsFile, int perClass, int seed)
    {
        // Raw pixel values (scale 1): the floats are the bytes 0..255 exactly.
        var full = IdxReader.ReadDataset(Path.Combine(directory, imagesFile), Path.Combine(directory, labelsFile), FashionMnist.ClassCount);
        var drawn = full.TakePerClass(perClass, seed);
        var order = Enumerable.Range(0, drawn.Count).ToArray();
        Dataset.Shuffle(order, new Xoshiro256StarStar(seed));
        var subset = drawn.Subset(order);

        var pixels = subset.FeatureData.ToArray().Select(v => checked((byte)v)).ToArray();
        files[imagesFile] = IdxFiles.Bytes([subset.Count, 28, 28], pixels);
        files[labelsFile] = IdxFiles.Bytes([subset.Count], subset.Labels.Select(l => (byte)l).ToArray());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TransferLearning.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No TransferLearning.sln above {AppContext.BaseDirectory}.");
    }
}
