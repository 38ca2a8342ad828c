namespace TransferLearning.Data;

/// <summary>
/// Loads Fashion-MNIST (Zalando Research, MIT licence): 28×28 grey images of ten kinds of clothing,
/// 60,000 for training and 10,000 for testing, in four IDX files.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Load"/> looks for the four files (<see cref="FileNames"/>, gzip or raw under the same names)
/// in the folder the caller names, then in the folder named by the environment variable
/// <c>FASHION_MNIST_DIR</c>, then in <c>/usr/share/datasets/fashion-mnist</c> (the Debian package
/// <c>dataset-fashion-mnist</c>), and reads the first folder that holds all four. The returned
/// <see cref="FashionMnistData.Directory"/> says which one that was.
/// </para>
/// <para>Pixels are scaled to [0, 1] (byte / 255); labels are 0–9 with <see cref="ClassNames"/>.</para>
/// </remarks>
public static partial class FashionMnist
{
    /// <summary>The environment variable that may name a folder holding the four files.</summary>
    public const string DirectoryVariable = "FASHION_MNIST_DIR";

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

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

    /// <summary>
    /// Returns the first of the folders searched (<paramref name="directory"/>, then <c>FASHION_MNIST_DIR</c>,
    /// then <see cref="SystemDirectory"/>) that holds all four files, or <see langword="null"/> when none does.
    /// </summary>
    /// <param name="directory">A folder to look in first; <see langword="null"/> to look only in the other two.</param>
    /// <returns>The folder, or <see langword="null"/>.</returns>
    public static string? FindDirectory(string? directory = null) =>
        FindDirectory(directory, Environment.GetEnvironmentVariable(DirectoryVariable), SystemDirectory);

    /// <summary>The search with its inputs made explicit (for tests: no process-wide environment change).</summary>
    internal static string? FindDirectory(string? directory, string? environmentDirectory, string systemDirectory) =>
        Candidates(directory, environmentDirectory, systemDirectory).FirstOrDefault(HasAllFiles);

    /// <summary>Loads the training and test sets from the first folder that holds the four files (see the remarks on <see cref="FashionMnist"/>).</summary>
    /// <param name="directory">A folder to look in first; <see langword="null"/> (the default) to look only in <c>FASHION_MNIST_DIR</c> and <see cref="SystemDirectory"/>.</param>
    /// <returns>The two sets (pixels in [0, 1], ten named classes) and the folder they came from.</returns>
    /// <exception cref="FileNotFoundException">No folder searched holds all four files; the message lists the folders and how to get the data.</exception>
    /// <exception cref="DataFormatException">A file is malformed (truncated, a wrong magic number, counts that disagree, a label out of range).</exception>
    public static FashionMnistData Load(string? directory = null)
    {
        string? environmentDirectory = Environment.GetEnvironmentVariable(DirectoryVariable);
        string found = FindDirectory(directory, environmentDirectory, SystemDirectory)
            ?? throw new FileNotFoundException(NotFoundMessage(Candidates(directory, environmentDirectory, SystemDirectory)));
        return LoadFrom(found);
    }

    /// <summary>Loads the four files from exactly <paramref name="directory"/>, searching nowhere else.</summary>
    /// <param name="directory">The folder holding the four files.</param>
    /// <returns>The two sets and the folder.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static FashionMnistData LoadFrom(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        var train = IdxReader.ReadDataset(
            Path.Combine(full, TrainImagesFile), Path.Combine(full, TrainLabelsFile), ClassCount, 1f / 255, ClassNames);
        var test = IdxReader.ReadDataset(
            Path.Combine(full, TestImagesFile), Path.Combine(full, TestLabelsFile), ClassCount, 1f / 255, ClassNames);
        return new FashionMnistData(train, test, full);
    }

    /// <summary>The bundled subset's folder, relative to the repository root.</summary>
    public const string SubsetRelativePath = "samples/data/fashion-mnist-subset";

    /// <summary>
    /// Loads the small subset of Fashion-MNIST bundled with the repository's samples (a seeded, stratified draw of
    /// 800 training and 100 test images per class, same file names and format), for runs without the full data set.
    /// </summary>
    /// <remarks>
    /// Without <paramref name="directory"/>, looks for <see cref="SubsetRelativePath"/> in the current directory,
    /// the application's directory and each of their parents. A sample that uses it must say so (print
    /// <see cref="FashionMnistData.Description"/>): accuracy on 8,000 training images is not accuracy on 60,000.
    /// </remarks>
    /// <param name="directory">The subset's folder; <see langword="null"/> (the default) to search for it.</param>
    /// <returns>The two sets and the folder they came from.</returns>
    /// <exception cref="DirectoryNotFoundException">No folder given, and none found above the current or the application's directory.</exception>
    /// <exception cref="FileNotFoundException">A file is missing from the folder.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static FashionMnistData LoadSubset(string? directory = null)
    {
        if (directory is not null)
        {
            return LoadFrom(directory);
        }

        var starts = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory };
        foreach (string start in starts)
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, SubsetRelativePath);
                if (HasAllFiles(candidate))
                {
                    return LoadFrom(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"Expected the bundled Fashion-MNIST subset in {SubsetRelativePath} above '{starts[0]}' or '{starts[1]}' but found none; pass its folder to LoadSubset.");
    }

    /// <summary>
    /// Loads the full data set when one is found (as <see cref="Load"/> searches), otherwise the bundled subset
    /// (as <see cref="LoadSubset"/> finds it): what a sample should call so that it runs anywhere. Print the
    /// result's <see cref="FashionMnistData.Description"/> so that readers know which data the numbers come from.
    /// </summary>
    /// <param name="directory">A folder to look in first for the full set; <see langword="null"/> (the default) for the usual places.</param>
    /// <returns>The full set, or else the subset (<see cref="FashionMnistData.IsFullSet"/> tells which).</returns>
    /// <exception cref="DirectoryNotFoundException">Neither the full set nor the subset was found.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static FashionMnistData LoadFullOrSubset(string? directory = null) =>
        LoadFullOrSubset(directory, Environment.GetEnvironmentVariable(DirectoryVariable), SystemDirectory);

    /// <summary>The same with the search's inputs explicit (for tests).</summary>
    internal static FashionMnistData LoadFullOrSubset(string? directory, string? environmentDirectory, string systemDirectory) =>
        FindDirectory(directory, environmentDirectory, systemDirectory) is { } full ? LoadFrom(full) : LoadSubset();

    private static IEnumerable<string> Candidates(string? directory, string? environmentDirectory, string systemDirectory)
    {
        if (!string.IsNullOrEmpty(directory))
        {
            yield return directory;
        }

        if (!string.IsNullOrEmpty(environmentDirectory))
        {
            yield return environmentDirectory;
        }

        yield return systemDirectory;
    }

    private static bool HasAllFiles(string directory) => FileNames.All(name => File.Exists(Path.Combine(directory, name)));

    internal static string NotFoundMessage(IEnumerable<string> candidates)
    {
        var searched = candidates.Select(d => $"'{d}'");
        return $"Expected the Fashion-MNIST files ({string.Join(", ", FileNames)}) in one of {string.Join(", ", searched)}, but no folder holds all four. " +
               $"Install the Debian package dataset-fashion-mnist, set {DirectoryVariable} to a folder holding them, " +
               "or fetch them with FashionMnist.DownloadAsync(cacheDirectory) and pass that folder.";
    }
}
