using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLab;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;
using WakeWord;
using WhenTransferHurts;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>
/// The suite's set-ups on Fashion-MNIST: TransferLab's two, WakeWord's imbalanced detector, WhenTransferHurts'
/// reversed ratio (both pairs), a ceiling case and a regression target. Built from the samples' own set-ups.
/// </summary>
public static class BenchSetups
{
    /// <summary>Gets the target sizes per class of the full run (TransferLab's).</summary>
    public static IReadOnlyList<int> PerClass { get; } = [10, 30, 100, 300, 1000];

    /// <summary>Gets the target sizes per class of <c>--quick</c>.</summary>
    public static IReadOnlyList<int> QuickPerClass { get; } = [10, 100];

    /// <summary>
    /// Gets the coarse four-group labelling of the ceiling case: 0 tops &amp; dresses (T-shirt/top, pullover, dress,
    /// coat, shirt), 1 trousers, 2 footwear (sandal, sneaker, ankle boot), 3 bags. Raw pixels separate these almost
    /// linearly, so a frozen body has few points left to add.
    /// </summary>
    public static IReadOnlyList<int> CoarseGroups { get; } = [0, 1, 0, 0, 0, 2, 0, 2, 3, 2];

    /// <summary>
    /// Gets the regression target: a typical shipping weight in kilograms per class (T-shirt 0.15, trouser 0.5,
    /// pullover 0.45, dress 0.3, coat 1.2, sandal 0.3, shirt 0.2, sneaker 0.7, bag 0.6, ankle boot 0.9). A value
    /// the pixels give only through what the item is: what the ten-class body learned.
    /// </summary>
    public static IReadOnlyList<float> ShippingWeight { get; } = [0.15f, 0.5f, 0.45f, 0.3f, 1.2f, 0.3f, 0.2f, 0.7f, 0.6f, 0.9f];

    /// <summary>Every set-up, in the table's order.</summary>
    /// <param name="images">The full Fashion-MNIST (the 1,000-per-class rows need it).</param>
    /// <param name="pretrainEpochs">Epochs of pretraining on a large source (the reversed ratio keeps its own: 60 epochs of 100 images).</param>
    public static IReadOnlyList<BenchSetup> All(FashionMnistImages images, int pretrainEpochs)
    {
        ArgumentNullException.ThrowIfNull(images);
        var helpful = TransferLabSetups.Helpful(images, pretrainEpochs);
        var unrelated = TransferLabSetups.Unrelated(images, pretrainEpochs);
        var reversed = WhenTransferHurtsExperiment.Pairs(images);
        return
        [
            PerClassAccuracy(helpful, PerClass, QuickPerClass),
            PerClassAccuracy(unrelated, PerClass, QuickPerClass),
            Detector(images, pretrainEpochs),
            .. reversed.Select(r => PerClassAccuracy(r.Setup with { Name = "reversed-" + r.Setup.Name }, [r.PerClass], [r.PerClass])),
            Ceiling(helpful, images),
            Regression(helpful, images),
        ];
    }

    /// <summary>A set-up scored by accuracy, its targets drawn per class from the set-up's pool as TransferLab draws them.</summary>
    public static BenchSetup PerClassAccuracy(ComparisonSetup setup, IReadOnlyList<int> sizes, IReadOnlyList<int> quickSizes, Func<IReadOnlyList<string>>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return new BenchSetup(
            setup.Name,
            "accuracy",
            "per class",
            setup,
            sizes,
            quickSizes,
            (size, seed) => StrategyComparison.Sample(setup, size, seed),
            setup.TargetTest,
            (network, _) => network.Report(setup.TargetTest).Classification!.Accuracy,
            Notes: notes);
    }

    /// <summary>
    /// WakeWord's detector: a body pretrained on nine classes on the first two thirds of the training images, the
    /// sample's new layers ending in one sigmoid unit, the tenth class (ankle boot) against all others at 1 in 21
    /// (the sample's 20 negatives per positive), scored by F1 of the rare class at the threshold with the best F1 on
    /// a validation draw of the other half of the pool (the sample's 25 positives), chosen by
    /// <see cref="DecisionThreshold.Choose"/> as WakeWord's deployable models choose it. The
    /// threshold is tuned, so what a network brings is its ranking of the examples: Default and Auto are told the
    /// transfer is judged on average precision of the rare class (<see cref="TransferMetric.AveragePrecision(int)"/>). Its
    /// largest size, 300 positives (6,300 examples), gets one seed, like the others' 1,000 per class.
    /// </summary>
    public static BenchSetup Detector(FashionMnistImages images, int pretrainEpochs)
    {
        ArgumentNullException.ThrowIfNull(images);
        var options = new WakeWordOptions();
        int[] others = [.. Enumerable.Range(0, FashionMnist.ClassCount).Where(c => c != options.DetectedClass)];
        var (sourceImages, targetImages) = FashionMnistTasks.SplitSourceTarget(images.Train);
        var (trainPool, validationPool) = targetImages.OneVsRest(options.DetectedClass).Split(0.5, seed: 11);
        var test = images.Test.OneVsRest(options.DetectedClass);
        var source = sourceImages.FilterClasses(others);
        var setup = new ComparisonSetup(
            "wakeword",
            string.Create(CultureInfo.InvariantCulture, $"WakeWord: nine classes on {source.Count:N0} images → '{FashionMnist.ClassNames[options.DetectedClass]}' against the rest, {options.NegativesPerPositive:F0} negatives per positive"),
            images.Description,
            source,
            images.Test.FilterClasses(others),
            trainPool,
            test,
            [512, 256],
            options.Training with { Epochs = pretrainEpochs, BatchSize = 128, Seed = 1 });
        int[] testLabels = [.. test.Labels];
        double Score(Network network, int seed)
        {
            var validation = validationPool.TakeWithRatio(options.ValidationPositives, options.NegativesPerPositive, seed: 200 + seed);
            // As the library chooses it (Model.WithDecisionThreshold, and the WakeWord sample): the best F1, nearest 0.5 among ties, at a gap's midpoint.
            var (threshold, _) = DecisionThreshold.Choose(network.Predict(validation.Features), validation, TransferMetric.F1(1));
            return network.Report(test, new ReportOptions { Threshold = threshold }).Classification!.Binary!.F1;
        }

        return new BenchSetup(
            setup.Name,
            "F1 of the rare class",
            "positives",
            setup,
            [10, 25, 100, 300],
            [25],
            (positives, seed) => trainPool.TakeWithRatio(positives, options.NegativesPerPositive, seed: 100 + seed),
            test,
            Score,
            options.NewLayers,
            OneSeedFrom: 300,
            DecideOn: TransferMetric.AveragePrecision(1),
            Notes: () => [string.Create(CultureInfo.InvariantCulture, $"test: {testLabels.Count(l => l == 1):N0} positives, {testLabels.Count(l => l == 0):N0} negatives; threshold per seed: best F1 (DecisionThreshold.Choose) on {options.ValidationPositives} validation positives and {options.ValidationPositives * options.NegativesPerPositive:F0} negatives")]);
    }

    /// <summary>
    /// The ceiling case: the ten-class body of <paramref name="helpful"/> (pretrained on the first 40,000 images)
    /// to <see cref="CoarseGroups"/> on the other 20,000, images it never saw; a linear probe on the raw pixels
    /// already classifies them at about 0.95 (measured and printed).
    /// </summary>
    public static BenchSetup Ceiling(ComparisonSetup helpful, FashionMnistImages images)
    {
        ArgumentNullException.ThrowIfNull(helpful);
        ArgumentNullException.ThrowIfNull(images);
        var (_, others) = FashionMnistTasks.SplitSourceTarget(images.Train);
        string[] names = ["tops & dresses", "trousers", "footwear", "bags"];
        var setup = helpful with
        {
            Name = "ceiling",
            Title = string.Create(CultureInfo.InvariantCulture, $"10 classes on {helpful.Source.Count:N0} images → 4 coarse groups ({string.Join(", ", names)}) of {others.Count:N0} other images"),
            TargetPool = others.Relabel(CoarseGroups, names),
            TargetTest = images.Test.Relabel(CoarseGroups, names),
        };
        return PerClassAccuracy(setup, PerClass, QuickPerClass, () => [RawProbe(setup)]);
    }

    /// <summary>A linear probe on the raw pixels (784 → softmax, Adam, 20 epochs) trained on 1,000 per class of the pool and scored on all test images.</summary>
    private static string RawProbe(ComparisonSetup setup)
    {
        var train = setup.TargetPool.TakePerClass(1000, seed: 3);
        var probe = Network.Create(train.FeatureCount, seed: 0).Dense(train.ClassCount, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 20, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = 0 }).Fit(probe, train);
        double accuracy = probe.Report(setup.TargetTest).Classification!.Accuracy;
        return string.Create(CultureInfo.InvariantCulture, $"linear probe on the raw pixels (784 → {train.ClassCount} softmax, 1,000 per class, 20 epochs): test accuracy {accuracy:F3} (the ceiling case asks ≥ 0.9)");
    }

    /// <summary>
    /// The regression target: <see cref="ShippingWeight"/> of each image's item, from the ten-class body of
    /// <paramref name="helpful"/>; N images per class of the other 20,000 (the class only draws the sample: the
    /// target is the weight), one linear output unit, scored by R² on all 10,000 test images.
    /// </summary>
    public static BenchSetup Regression(ComparisonSetup helpful, FashionMnistImages images)
    {
        ArgumentNullException.ThrowIfNull(helpful);
        ArgumentNullException.ThrowIfNull(images);
        var (_, others) = FashionMnistTasks.SplitSourceTarget(images.Train);
        var test = Weights(images.Test);
        var setup = helpful with
        {
            Name = "regression",
            Title = string.Create(CultureInfo.InvariantCulture, $"10 classes on {helpful.Source.Count:N0} images → an item's shipping weight in kg (a value per class, 0.15–1.2) on {others.Count:N0} other images"),
            TargetPool = others,
            TargetTest = images.Test,
        };
        return new BenchSetup(
            setup.Name,
            "R²",
            "per class",
            setup,
            PerClass,
            QuickPerClass,
            (size, seed) => Weights(StrategyComparison.Sample(setup, size, seed)),
            test,
            (network, _) => network.Report(test).Regression!.R2);
    }

    /// <summary>The images with <see cref="ShippingWeight"/> of their class as the one regression target.</summary>
    public static Dataset Weights(Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var targets = Matrix<float>.Build.Dense(1, images.Count, (_, j) => ShippingWeight[images.Labels[j]]);
        return Dataset.ForRegression(images.Features, targets);
    }

    /// <summary>The detector's score per example: its sigmoid output, P(rare class).</summary>
}
