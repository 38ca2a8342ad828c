using System.Globalization;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace WhenTransferHurts;

/// <summary>
/// The source text's reversed case: 100 source examples, 1,000 target examples. Each target example is worth
/// more than a source example, so transfer has little to give — on a related pair (the ten classes → warm-weather
/// wear or not, where a body pretrained on 40,000 images gains several points at 10–30 examples per class) and
/// on an unrelated one (classes 0–4 → 5–9).
/// </summary>
public static class WhenTransferHurtsExperiment
{
    /// <summary>Source examples the body is pretrained on.</summary>
    public const int SourceCount = 100;

    /// <summary>Target examples every column trains on.</summary>
    public const int TargetCount = 1_000;

    /// <summary>The two pairs, each with the target size per class that makes <see cref="TargetCount"/> examples.</summary>
    public static IReadOnlyList<(ComparisonSetup Setup, int PerClass)> Pairs(FashionMnistImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (sourceImages, targetImages) = FashionMnistTasks.SplitSourceTarget(images.Train);
        var related = new ComparisonSetup(
            "related",
            string.Create(CultureInfo.InvariantCulture, $"related: 10 classes on {SourceCount} images → warm-weather wear or not on {TargetCount:N0} other images"),
            images.Description,
            sourceImages.TakePerClass(SourceCount / 10, seed: 7),
            images.Test,
            FashionMnistTasks.WarmWeatherOrNot(targetImages),
            FashionMnistTasks.WarmWeatherOrNot(images.Test),
            [512, 256],
            Pretraining);
        var unrelated = new ComparisonSetup(
            "unrelated",
            string.Create(CultureInfo.InvariantCulture, $"unrelated: classes 0–4 on {SourceCount} images → classes 5–9 on {TargetCount:N0} images"),
            images.Description,
            FashionMnistTasks.FirstFive(sourceImages).TakePerClass(SourceCount / 5, seed: 7),
            FashionMnistTasks.FirstFive(images.Test),
            FashionMnistTasks.LastFive(targetImages),
            FashionMnistTasks.LastFive(images.Test),
            [512, 256],
            Pretraining);
        return [(related, TargetCount / 2), (unrelated, TargetCount / 5)];
    }

    /// <summary>The comparison at one target size: 3 seeds and Auto's defaults, or, when <paramref name="quick"/>, 1 seed, Auto with 3 folds and at least 10 epochs a run (not 20).</summary>
    public static ComparisonOptions Options(int perClass, bool quick, int? seeds = null) => new()
    {
        PerClass = [perClass],
        Seeds = seeds ?? (quick ? 1 : 3),
        Arms = quick ? ComparisonArm.All(new AutoSelectionOptions { Folds = 3 }) : ComparisonArm.All(),
        MinEpochs = quick ? 10 : 20,
    };

    /// <summary>What the pair shows: the policy's and the advisor's verdicts, and the best transfer strategy's gain over FromScratch.</summary>
    public static TransferVerdict Verdict(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var row = result.Rows[0];
        var scratch = row[TransferStrategy.FromScratch.ToString()].Accuracy.Mean;
        var best = row.Arms.Where(a => !a.Decides && a.Arm != TransferStrategy.FromScratch.ToString()).MaxBy(a => a.Accuracy.Mean)!;
        return new TransferVerdict(
            result.Setup,
            row["Policy"].Chosen,
            row.Arms.FirstOrDefault(a => a.Arm == "Auto")?.Chosen ?? [],
            row.Advice?.MakesSense,
            row.Advice?.Report ?? string.Empty,
            scratch,
            best.Arm,
            (best.Accuracy.Mean - scratch) * 100);
    }

    // 100 examples, 7 mini-batches an epoch: 60 epochs is about 400 steps, the budget of every target run.
    private static TrainingOptions Pretraining { get; } = new() { Epochs = 60, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = 1 };
}
