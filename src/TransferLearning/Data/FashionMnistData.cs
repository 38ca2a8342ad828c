using System.Globalization;

namespace TransferLearning.Data;

/// <summary>Fashion-MNIST's training and test sets, and the folder they were read from (so that a report can say which data it used).</summary>
public sealed class FashionMnistData
{
    /// <summary>Gets the training images (60,000 in the full set), 784 features in [0, 1], 10 named classes.</summary>
    public required Dataset Train { get; init; }

    /// <summary>Gets the test images (10,000 in the full set).</summary>
    public required Dataset Test { get; init; }

    /// <summary>Gets the folder the four files were read from.</summary>
    public required string Directory { get; init; }

    /// <summary>Gets a one-line description for reports: "Fashion-MNIST, 60,000 training and 10,000 test images, from /usr/share/datasets/fashion-mnist".</summary>
    public string Description => string.Create(
        CultureInfo.InvariantCulture, $"Fashion-MNIST, {Train.Count:N0} training and {Test.Count:N0} test images, from {Directory}");

    /// <summary>Gets a value indicating whether these are all 60,000 training and 10,000 test images (not a subset).</summary>
    public bool IsFullSet => Train.Count == 60_000 && Test.Count == 10_000;

    /// <inheritdoc />
    public override string ToString() => Description;
}
