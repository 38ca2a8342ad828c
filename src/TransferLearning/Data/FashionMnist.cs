namespace TransferLearning.Data;

/// <summary>
/// Reads Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey images of ten kinds of clothing,
/// 60,000 for training and 10,000 for testing, in four IDX files.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="LoadFrom"/> reads the four files (<see cref="FileNames"/>, gzip or raw under the same names) from
/// exactly the folder the caller names; it searches nowhere else, reads no environment variable and never goes
/// to the network. Where the files are is the application's business (the repository's samples look in a
/// folder given on the command line, in <c>FASHION_MNIST_DIR</c>, in <c>/usr/share/datasets/fashion-mnist</c>,
/// the Debian package <c>dataset-fashion-mnist</c>, and else use a subset they bundle).
/// </para>
/// <para>Pixels are scaled to [0, 1] (byte / 255); labels are 0–9 with <see cref="ClassNames"/>.</para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The height and width of an image.</summary>
    private const int ImageSide = 28;

    /// <summary>The training images file.</summary>
    public const string TrainImagesFile = "train-images-idx3-ubyte.gz";

    /// <summary>The training labels file.</summary>
    public const string TrainLabelsFile = "train-labels-idx1-ubyte.gz";

    /// <summary>The test images file.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte.gz";

    /// <summary>The test labels file.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    /// <summary>Gets the names of the ten classes, index = label: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Gets the four file names: training images, training labels, test images, test labels.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    /// <summary>Loads the four files from exactly <paramref name="directory"/>, searching nowhere else.</summary>
    /// <param name="directory">The folder holding the four files.</param>
    /// <returns>The two sets and the folder.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or empty.</exception>
    /// <remarks>
    /// The files must be what Fashion-MNIST is: images of 28 × 28 unsigned bytes, labels of unsigned bytes in
    /// [0, 10), one label per image. (Subsets are accepted, so the counts need not be 60,000 and 10,000.)
    /// </remarks>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist, or is a file.</exception>
    /// <exception cref="IOException">A file is a directory, or cannot be read (no permission: the <see cref="UnauthorizedAccessException"/> is the inner exception).</exception>
    /// <exception cref="DataFormatException">A file is malformed, or not of Fashion-MNIST's shape and types: the message names the file and what was expected.</exception>
    public static FashionMnistData LoadFrom(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException(
                File.Exists(full) ? $"Expected a folder holding the Fashion-MNIST files but '{full}' is a file." : $"Expected a folder holding the Fashion-MNIST files but '{full}' does not exist.");
        }

        int[] shape = [ImageSide, ImageSide];
        var train = IdxReader.ReadDatasetCore(
            Path.Combine(full, TrainImagesFile), Path.Combine(full, TrainLabelsFile), ClassCount, 1f / 255, ClassNames, shape);
        var test = IdxReader.ReadDatasetCore(
            Path.Combine(full, TestImagesFile), Path.Combine(full, TestLabelsFile), ClassCount, 1f / 255, ClassNames, shape);
        return new FashionMnistData { Train = train, Test = test, Directory = full };
    }
}
