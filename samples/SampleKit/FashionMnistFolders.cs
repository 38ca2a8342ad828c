using System.Globalization;
using TransferLearning.Data;

namespace TransferLearning.Samples;

/// <summary>
/// Where the samples find Fashion-MNIST: the full data set in the folder the user names (<c>--data DIR</c>),
/// else in the folder named by the environment variable <c>FASHION_MNIST_DIR</c>, else in
/// <c>/usr/share/datasets/fashion-mnist</c> (the Debian package <c>dataset-fashion-mnist</c>); without it, the
/// subset bundled in <c>samples/data/fashion-mnist-subset</c>. The library itself only reads a folder it is
/// given (<see cref="FashionMnist.LoadFrom"/>): searching, environment variables and repository paths are the
/// samples' business.
/// </summary>
public static class FashionMnistFolders
{
    /// <summary>The environment variable that may name a folder holding the four files.</summary>
    public const string DirectoryVariable = "FASHION_MNIST_DIR";

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The bundled subset's folder, relative to the repository root.</summary>
    public const string SubsetRelativePath = "samples/data/fashion-mnist-subset";

    /// <summary>
    /// Returns the first of the folders searched (<paramref name="directory"/>, then <c>FASHION_MNIST_DIR</c>,
    /// then <see cref="SystemDirectory"/>) that holds all four files, or <see langword="null"/> when none does.
    /// </summary>
    /// <param name="directory">A folder to look in first; <see langword="null"/> to look only in the other two.</param>
    /// <returns>The folder, or <see langword="null"/>.</returns>
    public static string? Find(string? directory = null) =>
        Find(directory, Environment.GetEnvironmentVariable(DirectoryVariable), SystemDirectory);

    /// <summary>The search with its inputs made explicit (for tests: no process-wide environment change).</summary>
    public static string? Find(string? directory, string? environmentDirectory, string systemDirectory) =>
        Candidates(directory, environmentDirectory, systemDirectory).FirstOrDefault(HasAllFiles);

    /// <summary>Loads the training and test sets from the first folder that holds the four files (see <see cref="Find(string?)"/>).</summary>
    /// <param name="directory">A folder to look in first; <see langword="null"/> (the default) to look only in <c>FASHION_MNIST_DIR</c> and <see cref="SystemDirectory"/>.</param>
    /// <returns>The two sets (pixels in [0, 1], ten named classes) and the folder they came from.</returns>
    /// <exception cref="FileNotFoundException">No folder searched holds all four files; the message lists the folders and how to get the data.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static FashionMnistData Load(string? directory = null)
    {
        string? environmentDirectory = Environment.GetEnvironmentVariable(DirectoryVariable);
        string found = Find(directory, environmentDirectory, SystemDirectory)
            ?? throw new FileNotFoundException(NotFoundMessage(Candidates(directory, environmentDirectory, SystemDirectory)));
        return FashionMnist.LoadFrom(found);
    }

    /// <summary>
    /// Loads the small subset of Fashion-MNIST bundled with the samples (a seeded, stratified draw of 800 training
    /// and 100 test images per class, same file names and format), for runs without the full data set.
    /// </summary>
    /// <remarks>
    /// Without <paramref name="directory"/>, looks for <see cref="SubsetRelativePath"/> in the current directory,
    /// the application's directory and each of their parents. A sample that uses it must say so (print
    /// <see cref="FashionMnistData.Description"/>): accuracy on 8,000 training images is not accuracy on 60,000.
    /// </remarks>
    /// <param name="directory">The subset's folder; <see langword="null"/> (the default) to search for it.</param>
    /// <returns>The two sets and the folder they came from.</returns>
    /// <exception cref="DirectoryNotFoundException">No folder given, and none found above the current or the application's directory.</exception>
    public static FashionMnistData LoadSubset(string? directory = null)
    {
        if (directory is not null)
        {
            return FashionMnist.LoadFrom(directory);
        }

        var starts = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory };
        foreach (string start in starts)
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, SubsetRelativePath);
                if (HasAllFiles(candidate))
                {
                    return FashionMnist.LoadFrom(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"Expected the bundled Fashion-MNIST subset in {SubsetRelativePath} above '{starts[0]}' or '{starts[1]}' but found none; pass its folder to LoadSubset.");
    }

    /// <summary>
    /// Loads the full data set when one is found (as <see cref="Load"/> searches), otherwise the bundled subset
    /// (as <see cref="LoadSubset"/> finds it).
    /// </summary>
    /// <param name="directory">A folder to look in first for the full set; <see langword="null"/> (the default) for the usual places.</param>
    /// <returns>The full set, or else the subset (<see cref="FashionMnistData.IsFullSet"/> tells which).</returns>
    public static FashionMnistData LoadFullOrSubset(string? directory = null) =>
        LoadFullOrSubset(directory, Environment.GetEnvironmentVariable(DirectoryVariable), SystemDirectory);

    /// <summary>The same with the search's inputs explicit (for tests).</summary>
    public static FashionMnistData LoadFullOrSubset(string? directory, string? environmentDirectory, string systemDirectory) =>
        Find(directory, environmentDirectory, systemDirectory) is { } full ? FashionMnist.LoadFrom(full) : LoadSubset();

    /// <summary>What <see cref="Load"/> says when no folder holds the four files: the folders searched and how to get the data.</summary>
    public static string NotFoundMessage(IEnumerable<string> candidates)
    {
        var searched = candidates.Select(d => $"'{d}'");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Expected the Fashion-MNIST files ({string.Join(", ", FashionMnist.FileNames)}) in one of {string.Join(", ", searched)}, but no folder holds all four. " +
            $"Install the Debian package dataset-fashion-mnist, set {DirectoryVariable} to a folder holding them, " +
            $"or fetch them with {nameof(FashionMnistDownload)}.{nameof(FashionMnistDownload.DownloadAsync)}(cacheDirectory) and pass that folder.");
    }

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

    private static bool HasAllFiles(string directory) => FashionMnist.FileNames.All(name => File.Exists(Path.Combine(directory, name)));
}
