using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Training;

namespace TransferLab;

/// <summary>The set-ups TransferLab knows: where pretrained features help, where they do not, and the synthetic pair.</summary>
public static class TransferLabSetups
{
    /// <summary>
    /// Where the pretrained features help: the source is all ten classes on the first two thirds of the
    /// training images (40,000); the target is another labelling — a shop's seven departments
    /// (<see cref="FashionMnistTasks.ByDepartment"/>) — of the other third. The source forced the body to
    /// tell a shirt from a pullover and a coat from a T-shirt: what the departments need.
    /// </summary>
    public static ComparisonSetup Helpful(FashionMnistImages images, int pretrainEpochs)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (source, others) = FashionMnistTasks.SplitSourceTarget(images.Train);
        return new ComparisonSetup(
            "helpful",
            string.Create(CultureInfo.InvariantCulture, $"10 classes on {source.Count:N0} images → 7 shop departments, on {others.Count:N0} other images"),
            images.Description,
            source,
            images.Test,
            FashionMnistTasks.ByDepartment(others),
            FashionMnistTasks.ByDepartment(images.Test),
            [512, 256],
            Pretraining(pretrainEpochs));
    }

    /// <summary>Where they do not: pretrain on classes 0–4 (T-shirt … coat), transfer to classes 5–9 (sandal … ankle boot).</summary>
    public static ComparisonSetup Unrelated(FashionMnistImages images, int pretrainEpochs)
    {
        return FashionMnistTasks.FirstFiveToLastFive(images, "unrelated", "classes 0–4 (T-shirt/top … coat) → classes 5–9 (sandal … ankle boot)", Pretraining(pretrainEpochs));
    }

    /// <summary>The library's related synthetic pair (<see cref="SyntheticData.LatentTasks"/>): a 64-class source and a 5-class target on one latent structure.</summary>
    public static ComparisonSetup Synthetic(int maxPerClass, int pretrainEpochs)
    {
        // 24,000 source examples: the first 20,000 to pretrain on, the last 4,000 to test the pretraining.
        var tasks = SyntheticData.LatentTasks(sourceCount: 24_000, targetPerClass: maxPerClass, targetTestPerClass: 400, related: true, seed: 0);
        return new ComparisonSetup(
            "synthetic",
            "synthetic: 64-class source → 5-class target on a shared latent structure (SyntheticData.LatentTasks, related)",
            "SyntheticData.LatentTasks (made in memory)",
            tasks.Source.Subset(Enumerable.Range(0, 20_000).ToArray()),
            tasks.Source.Subset(Enumerable.Range(20_000, 4_000).ToArray()),
            tasks.Target,
            tasks.TargetTest,
            [128, 64],
            new TrainingOptions { Epochs = pretrainEpochs, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 2e-3f }, Seed = 1 });
    }

    private static TrainingOptions Pretraining(int epochs) =>
        new() { Epochs = epochs, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = 1 };
}
