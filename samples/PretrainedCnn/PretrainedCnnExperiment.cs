using System.Diagnostics;
using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.OnnxRuntime;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace PretrainedCnn;

/// <summary>A pretrained network as one column group uses it: which body, and how many of its top dense layers a transfer removes.</summary>
/// <param name="Name">The body's short name.</param>
/// <param name="Pretrained">The pretrained network.</param>
/// <param name="RemovedLayers">The top dense layers the transfer removes (<see cref="TransferOptions.RemovedLayers"/>).</param>
public sealed record Body(string Name, PretrainedNetwork Pretrained, int RemovedLayers);

/// <summary>One column: a body and the policy that picks the strategy on it.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Body">The body.</param>
/// <param name="Policy">The policy (fixed, the data-size policy, Auto).</param>
/// <param name="Decides">Whether the library chooses (the policy or Auto) rather than the column fixing the strategy.</param>
public sealed record CnnArm(string Name, Body Body, TransferPolicy Policy, bool Decides);

/// <summary>The ONNX model's features, timed: how fast the body extracts them through the pipeline.</summary>
/// <param name="Images">Images whose features were extracted.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record ExtractionSpeed(int Images, double Seconds)
{
    /// <summary>Gets images per second.</summary>
    public double ImagesPerSecond => Images / Seconds;
}

/// <summary>
/// The experiment: the CNN of tests/fixtures/onnx-body (PyTorch, Fashion-MNIST 0–4, 30,000 images, 2 epochs) cut below its dense top
/// ("conv_features", 400 values of its two conv + pool blocks) as an <see cref="OnnxBody"/>, its dense top (400 → 64 → 5) imported as
/// trainable layers; the library's own 784-512-256 body pretrained on the same 30,000 images; the target is classes 5–9 at N
/// examples per class, every column on the same samples, accuracy on all 5,000 target test images.
/// </summary>
public static class PretrainedCnnExperiment
{
    /// <summary>The CNN's pixel standardisation, as make_cnn.py trained it: (x − 0.2860) / 0.3530 on pixels in [0, 1].</summary>
    public static OnnxBodyOptions BodyOptions { get; } = new() { InputShape = [1, 28, 28], Cut = "conv_features", Mean = 0.2860f, Std = 0.3530f };

    /// <summary>What FromScratch trains in place of the CNN's convolutions when the CNN's policy chooses it: the dense body's layers.</summary>
    public static IReadOnlyList<LayerSpec> FromScratchBody { get; } = [LayerSpec.Dense(512, Activation.ReLU), LayerSpec.Dense(256, Activation.ReLU)];

    /// <summary>The bundled model, beside the sample's binary.</summary>
    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "cnn.onnx");

    /// <summary>The CNN as a pretrained network: its convolutions on ONNX Runtime, then its dense top imported from the same file.</summary>
    public static PretrainedNetwork Cnn(OnnxBody convolutions, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(convolutions);
        var top = OnnxImport.Load(modelPath, new OnnxImportOptions { InputName = BodyOptions.Cut });
        var network = Network.CreateOn(convolutions);
        foreach (var layer in top.Layers)
        {
            network.Add(layer.Clone());
        }

        // make_cnn.py trains on the 30,000 training images of classes 0–4.
        return new PretrainedNetwork { Network = network, SourceExampleCount = 30_000, SourceClassCount = 5 };
    }

    /// <summary>The columns: FromScratch, the dense body (HeadOnly, its policy), the CNN (HeadOnly on its convolutions, HeadOnly and LastLayers(1) on its dense top, its policy, Auto).</summary>
    public static IReadOnlyList<CnnArm> Arms(PretrainedNetwork dense, PretrainedNetwork cnn, AutoSelectionOptions? auto = null)
    {
        var denseBody = new Body("dense", dense, 1);
        var cnnConv = new Body("cnn-conv", cnn, 2);
        var cnnTop = new Body("cnn", cnn, 1);
        return
        [
            new("FromScratch", denseBody, TransferPolicy.Fixed(TransferStrategy.FromScratch), false),
            new("Dense HeadOnly", denseBody, TransferPolicy.Fixed(TransferStrategy.HeadOnly), false),
            new("Dense policy", denseBody, DataSizePolicy.Default, true),
            new("CNN HeadOnly (conv 400)", cnnConv, TransferPolicy.Fixed(TransferStrategy.HeadOnly), false),
            new("CNN HeadOnly (fc 64)", cnnTop, TransferPolicy.Fixed(TransferStrategy.HeadOnly), false),
            new("CNN LastLayers(1)", cnnTop, TransferPolicy.Fixed(TransferStrategy.LastLayers(1)), false),
            new("CNN policy", cnnTop, DataSizePolicy.Default, true),
            new("CNN Auto", cnnTop, TransferPolicy.Auto(auto), true),
        ];
    }

    /// <summary>Runs every column at every size and seed; the advisor is asked about the CNN on the first seed's sample.</summary>
    public static ComparisonResult Run(
        ComparisonSetup setup,
        PretrainedNetwork dense,
        PretrainedNetwork cnn,
        IReadOnlyList<CnnArm> arms,
        ComparisonOptions options,
        IProgress<ExperimentStep>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        int total = options.PerClass.Count * ((options.Seeds * arms.Count) + 1);
        int done = 0;
        void Step(string description) => progress?.Report(new ExperimentStep(description, done++, total));

        var pipeline = new TransferPipeline();
        var rows = new List<ComparisonRow>();
        foreach (int n in options.PerClass)
        {
            var samples = Enumerable.Range(0, options.Seeds).Select(seed => StrategyComparison.Sample(setup, n, seed)).ToArray();
            Step(string.Create(CultureInfo.InvariantCulture, $"N = {n}: the advisor on the CNN"));
            var advice = new TransferAdvisor().Advise(cnn, samples[0]);

            // A column whose policy chooses what another column of the same body trained on that sample reuses its score
            // (training is deterministic: same network, sample, options and strategy give the same weights).
            var trained = new Dictionary<(string Body, int Removed, TransferStrategy Strategy, int Seed), double>();
            var results = new List<ArmResult>();
            foreach (var arm in arms)
            {
                var accuracies = new double[options.Seeds];
                var chosen = new string[options.Seeds];
                IReadOnlyList<string> reasons = [];
                for (int seed = 0; seed < options.Seeds; seed++)
                {
                    Step(string.Create(CultureInfo.InvariantCulture, $"N = {n}, seed {seed}: {arm.Name}"));
                    var transfer = new TransferOptions
                    {
                        Policy = arm.Policy,
                        Seed = seed,
                        RemovedLayers = arm.Body.RemovedLayers,
                        FromScratchBody = FromScratchBody,
                        Training = options.TrainingFor(samples[seed].Count, seed),
                    };
                    var decision = pipeline.Decide(arm.Body.Pretrained, samples[seed], transfer);
                    var key = (arm.Body.Name, arm.Body.RemovedLayers, decision.Strategy, seed);
                    if (!trained.TryGetValue(key, out double accuracy))
                    {
                        var network = pipeline.Transfer(arm.Body.Pretrained, samples[seed], transfer with { Policy = TransferPolicy.Fixed(decision.Strategy) }).Network;
                        accuracy = network.Evaluate(setup.TargetTest).Accuracy ?? double.NaN;
                        trained[key] = accuracy;
                    }

                    accuracies[seed] = accuracy;
                    chosen[seed] = decision.Strategy.ToString();
                    if (seed == 0)
                    {
                        reasons = [.. decision.Reasons.Select(r => r.Text)];
                    }
                }

                results.Add(new ArmResult(arm.Name, arm.Decides, accuracies, chosen, reasons));
            }

            rows.Add(new ComparisonRow(n, samples[0].Count, results, new AdviceSummary(advice.MakesSense, advice.FeaturesHelp.Holds, advice.FeaturesHelp.Evidence, advice.ToString())));
        }

        progress?.Report(new ExperimentStep("done", total, total));
        double sourceAccuracy = dense.Network.Evaluate(setup.SourceTest).Accuracy ?? double.NaN;
        return new ComparisonResult(setup.Name, setup.Title, setup.Data, setup.Source.Count, sourceAccuracy, setup.TargetTest.Count, rows, clock.Elapsed);
    }

    /// <summary>Times the body's feature extraction on <paramref name="images"/> (after one warm-up batch).</summary>
    public static ExtractionSpeed TimeExtraction(OnnxBody body, Dataset images)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(images);
        var features = new float[(long)images.Count * body.OutputSize];
        body.Extract(images.FeatureValues.Span[..(64 * body.InputSize)], features.AsSpan(0, 64 * body.OutputSize));
        var clock = Stopwatch.StartNew();
        body.Extract(images.FeatureValues.Span, features);
        return new ExtractionSpeed(images.Count, clock.Elapsed.TotalSeconds);
    }
}
