using TransferLearning.Data;

namespace TransferLearning.Samples;

/// <summary>The Fashion-MNIST images a sample runs on, and a sentence saying which they are.</summary>
/// <param name="Train">The training images (28×28 = 784 features in [0, 1], labels 0–9, named classes).</param>
/// <param name="Test">The test images.</param>
/// <param name="Description">Which data: the full data set and its folder, or the bundled subset.</param>
/// <param name="IsFullDataSet">Whether these are all 60,000 + 10,000 images.</param>
public sealed record FashionMnistImages(Dataset Train, Dataset Test, string Description, bool IsFullDataSet)
{
    /// <summary>
    /// The full data set from <paramref name="directory"/> or the places <see cref="FashionMnistFolders.Find(string?)"/>
    /// searches; when it is not there, or when <paramref name="subset"/> asks for it, the subset bundled in
    /// <c>samples/data</c> — and the description says which.
    /// </summary>
    public static FashionMnistImages Load(string? directory, bool subset = false)
    {
        if (!subset && (directory is not null || FashionMnistFolders.Find() is not null))
        {
            return From(FashionMnistFolders.Load(directory));
        }

        var data = FashionMnistFolders.LoadSubset();
        string why = subset ? "as asked" : "the full data set was not found (apt-get install dataset-fashion-mnist, or --data DIR)";
        return new FashionMnistImages(data.Train, data.Test, $"the bundled subset ({why}): {data.Description}", IsFullDataSet: false);
    }

    /// <summary>The full data set as a test fixture holds it.</summary>
    public static FashionMnistImages From(FashionMnistData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new FashionMnistImages(data.Train, data.Test, data.Description, IsFullDataSet: true);
    }
}
