using System.Diagnostics;
using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Samples;
using TransferLearning.Transfer;

namespace WakeWord;

/// <summary>
/// The source text's speech → wake-word story on images: a body pretrained on nine classes of clothing
/// (as on hours of speech) is reused under several new layers ending in one sigmoid unit, to detect the
/// tenth class — "Ankle boot", the wake word — against everything else from a few positive examples.
/// </summary>
public static class WakeWordExperiment
{
    /// <summary>Runs the experiment.</summary>
    public static WakeWordResult Run(FashionMnistImages images, WakeWordOptions options, IProgress<ExperimentStep>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        int total = 2 + (options.Seeds * options.Strategies.Count);
        int done = 0;
        void Step(string description) => progress?.Report(new ExperimentStep(description, done++, total));

        // The source: the nine other classes on the first two thirds of the training images.
        var others = Enumerable.Range(0, FashionMnist.ClassCount).Where(c => c != options.DetectedClass).ToArray();
        var (sourceImages, targetImages) = FashionMnistTasks.SplitSourceTarget(images.Train);
        var source = sourceImages.FilterClasses(others);
        string sourceDescription = $"{images.Description}: the nine classes other than {FashionMnist.ClassNames[options.DetectedClass]}";
        Step(string.Create(CultureInfo.InvariantCulture, $"pretraining on {source.Count:N0} images of nine classes"));
        var pipeline = new TransferPipeline();
        var architecture = Network.Create(784, seed: 0).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(others.Length, Activation.Softmax);
        var pretrained = pipeline.Pretrain(architecture, source, options.Training with { Epochs = options.PretrainEpochs, BatchSize = 128, Seed = 1 }, cancellationToken: cancellationToken);
        double sourceAccuracy = pretrained.Network.Evaluate(images.Test.FilterClasses(others)).Accuracy ?? double.NaN;

        // The target: the detected class (label 1) against all others (label 0), on the other images — a 2-class
        // set the one-sigmoid head classifies (binary cross-entropy; a = P(wake word)); training and validation
        // draws come from disjoint halves. The test: every test image.
        var (trainPool, validationPool) = targetImages.OneVsRest(options.DetectedClass).Split(0.5, seed: 11);
        var test = images.Test.OneVsRest(options.DetectedClass);
        int[] testLabels = [.. test.Labels];
        var detectors = options.Strategies.ToDictionary(s => s, _ => (Test: new List<BinaryMetrics>(), ValidationF1: new List<double>(), Curve: (IReadOnlyList<PrecisionRecallPoint>)[]));

        // The policy is told what the detector is judged on: its threshold is chosen afterwards on validation data, so
        // what a network brings to F1 at that threshold is how it ranks the examples (average precision of the boots).
        Step("the policy");
        var first = trainPool.TakeWithRatio(options.Positives, options.NegativesPerPositive, seed: 100);
        var decision = pipeline.Decide(pretrained, first, Transfer(options, TransferStrategy.HeadOnly, 0) with { Policy = DataSizePolicy.Default, Metric = PolicyMetric }, cancellationToken);
        int validationNegatives = 0;
        (Model Model, string Strategy, int Seed, double ValidationF1)? chosen = null;
        for (int seed = 0; seed < options.Seeds; seed++)
        {
            var train = trainPool.TakeWithRatio(options.Positives, options.NegativesPerPositive, seed: 100 + seed);
            var validation = validationPool.TakeWithRatio(options.ValidationPositives, options.NegativesPerPositive, seed: 200 + seed);
            validationNegatives = validation.Count - options.ValidationPositives;
            foreach (var strategy in options.Strategies)
            {
                Step(string.Create(CultureInfo.InvariantCulture, $"seed {seed}: {strategy}"));
                var transfer = pipeline.Transfer(pretrained, train, Transfer(options, strategy, seed), cancellationToken: cancellationToken);
                // The deployable detector: the library chooses its threshold for the best F1 of the ankle boots on the
                // validation draw, and the model decides at it in Predict and Report (precision, recall, F1, average precision).
                var model = Model.Create(transfer.Network, train, provenance: ModelProvenance.FromTransfer(pretrained, transfer, sourceDescription))
                    .WithDecisionThreshold(validation, RareClassF1);
                double validationF1 = model.Report(validation).Classification!.Binary!.F1;
                var d = detectors[strategy];
                d.Test.Add(model.Report(test).Classification!.Binary!);
                d.ValidationF1.Add(validationF1);
                if (seed == 0)
                {
                    detectors[strategy] = d with { Curve = Thin(PrecisionRecallCurve.Compute(testLabels, Scores(model.Network, test)), 300) };
                }

                if (chosen is null || validationF1 > chosen.Value.ValidationF1)
                {
                    chosen = (model, strategy.ToString(), seed, validationF1);
                }
            }
        }

        progress?.Report(new ExperimentStep("done", total, total));
        return new WakeWordResult(
            images.Description,
            FashionMnist.ClassNames[options.DetectedClass],
            source.Count,
            sourceAccuracy,
            options.Positives,
            first.Count - options.Positives,
            options.ValidationPositives,
            validationNegatives,
            testLabels.Count(l => l == 1),
            testLabels.Count(l => l == 0),
            decision.Strategy.ToString(),
            [.. decision.Reasons.Select(r => r.Text)],
            [.. options.Strategies.Select(s => new DetectorResult(s.ToString(), detectors[s].Test, detectors[s].ValidationF1, detectors[s].Curve))],
            new ChosenDetector(chosen!.Value.Strategy, chosen.Value.Seed, chosen.Value.Model.DecisionThreshold!.Value, chosen.Value.ValidationF1, chosen.Value.Model),
            clock.Elapsed);
    }

    /// <summary>What the detector is judged on: F1 of class 1, the ankle boots.</summary>
    public static TransferMetric RareClassF1 { get; } = TransferMetric.F1(positiveClass: 1);

    /// <summary>What the data-size policy is told the detector is judged on: average precision of class 1, the ranking a threshold chosen later turns into F1.</summary>
    public static TransferMetric PolicyMetric { get; } = TransferMetric.AveragePrecision(positiveClass: 1);

    private static TransferOptions Transfer(WakeWordOptions options, TransferStrategy strategy, int seed) => new()
    {
        NewLayers = options.NewLayers,
        Policy = TransferPolicy.Fixed(strategy),
        Seed = seed,
        Training = options.Training with { Seed = seed },
    };

    /// <summary>The detector's score per example: the sigmoid output <c>a = P(class 1)</c>.</summary>
    private static float[] Scores(Network network, Dataset data) => [.. network.Predict(data.Features).Row(0)];

    private static IReadOnlyList<PrecisionRecallPoint> Thin(IReadOnlyList<PrecisionRecallPoint> curve, int points)
    {
        int step = Math.Max(1, curve.Count / points);
        return [.. curve.Where((_, i) => i % step == 0 || i == curve.Count - 1)];
    }
}
