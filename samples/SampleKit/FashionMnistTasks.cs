using TransferLearning.Data;
using TransferLearning.Training;

namespace TransferLearning.Samples;

/// <summary>The Fashion-MNIST tasks the samples transfer between.</summary>
public static class FashionMnistTasks
{
    /// <summary>
    /// Gets a shop's seven departments: 0 tops &amp; shirts (T-shirt/top, shirt), 1 trousers, 2 knitwear &amp; coats
    /// (pullover, coat), 3 dresses, 4 shoes (sandal, sneaker), 5 bags, 6 boots (ankle boot). Its hardest
    /// distinctions (a shirt from a pullover, a coat from a T-shirt) are ones the ten classes forced a body to learn.
    /// </summary>
    public static IReadOnlyList<int> Departments { get; } = [0, 1, 2, 3, 2, 4, 0, 4, 5, 6];

    /// <summary>Gets the names of the <see cref="Departments"/>.</summary>
    public static IReadOnlyList<string> DepartmentNames { get; } = ["tops & shirts", "trousers", "knitwear & coats", "dresses", "shoes", "bags", "boots"];

    /// <summary>
    /// Gets a labelling the ten classes never name: 1 for warm-weather wear (T-shirt/top, dress, sandal,
    /// sneaker), 0 for the rest (trouser, pullover, coat, shirt, bag, ankle boot). Each group holds items
    /// that look like items of the other (T-shirt and shirt, sandal and ankle boot): the very distinctions
    /// a network trained on the ten classes had to learn.
    /// </summary>
    public static IReadOnlyList<int> WarmWeather { get; } = [1, 0, 0, 1, 0, 1, 0, 1, 0, 0];

    /// <summary>
    /// Gets the share of the training images a ten-class source uses (40,000 of 60,000); a target draws from
    /// the other 20,000, which hold at least 1,000 images of every department.
    /// </summary>
    public static double SourceShare => 2.0 / 3;

    /// <summary>The images labelled by <see cref="Departments"/>.</summary>
    public static Dataset ByDepartment(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Relabel(Departments, DepartmentNames);
    }

    /// <summary>The images labelled warm-weather wear (1) or not (0).</summary>
    public static Dataset WarmWeatherOrNot(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Relabel(WarmWeather, ["other", "warm-weather wear"]);
    }

    /// <summary>Classes 0–4 (T-shirt/top, trouser, pullover, dress, coat), relabelled 0–4.</summary>
    public static Dataset FirstFive(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.FilterClasses(0, 1, 2, 3, 4);
    }

    /// <summary>Classes 5–9 (sandal, shirt, sneaker, bag, ankle boot), relabelled 0–4.</summary>
    public static Dataset LastFive(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.FilterClasses(5, 6, 7, 8, 9);
    }

    /// <summary>
    /// The pair where a dense body's features do not transfer: pretrain on classes 0–4 (T-shirt/top … coat) of the
    /// training images, transfer to classes 5–9 (sandal … ankle boot); a 784-512-256 body.
    /// </summary>
    public static ComparisonSetup FirstFiveToLastFive(FashionMnistImages images, string name, string title, TrainingOptions pretraining)
    {
        ArgumentNullException.ThrowIfNull(images);
        return new ComparisonSetup(
            name,
            title,
            images.Description,
            FirstFive(images.Train),
            FirstFive(images.Test),
            LastFive(images.Train),
            LastFive(images.Test),
            [512, 256],
            pretraining);
    }

    /// <summary>The first <see cref="SourceShare"/> of <paramref name="images"/> (for the source) and the rest (for the target).</summary>
    public static (Dataset SourcePart, Dataset TargetPart) SplitSourceTarget(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        int source = (int)(images.Count * SourceShare);
        return (images.Subset(Enumerable.Range(0, source).ToArray()), images.Subset(Enumerable.Range(source, images.Count - source).ToArray()));
    }
}
