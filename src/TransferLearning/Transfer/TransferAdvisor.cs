using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Answers "does transfer make sense here?" with the source text's three conditions: (a) A and B have
/// the same input x; (b) A has far more data than B; (c) A's features help B — measured by linear probes
/// (a softmax layer trained on a held-out split) on each pretrained layer's activations against the raw inputs.
/// </summary>
public sealed class TransferAdvisor
{
    /// <summary>Creates an advisor.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public TransferAdvisor(AdvisorOptions? options = null)
    {
        Options = options ?? new AdvisorOptions();
    }

    /// <summary>Gets the settings.</summary>
    public AdvisorOptions Options { get; }

    /// <summary>Advises on transferring a network pretrained by <see cref="TransferPipeline.Pretrain"/>.</summary>
    /// <param name="pretrained">The pretrained network and its source example count.</param>
    /// <param name="target">The target's training data.</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>The advice.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public TransferAdvice Advise(PretrainedNetwork pretrained, Dataset target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        return Advise(pretrained.Network, pretrained.SourceExampleCount, target, cancellationToken);
    }

    /// <summary>Advises on transferring <paramref name="pretrained"/> to <paramref name="target"/>.</summary>
    /// <param name="pretrained">The pretrained network.</param>
    /// <param name="sourceExampleCount">The number of examples it was trained on, or <see langword="null"/> when unknown.</param>
    /// <param name="target">The target's training data (at least 2 examples).</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>The advice; condition (c) is not measured when (a) fails.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The network has no layers, or the target has fewer than 2 examples.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sourceExampleCount"/> is less than 1.</exception>
    public TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        if (pretrained.Layers.Count == 0)
        {
            throw new ArgumentException("Expected a pretrained network with layers but it has none.", nameof(pretrained));
        }

        if (target.Count < 2)
        {
            throw new ArgumentException($"Expected at least 2 target examples to hold some out but got {target.Count}.", nameof(target));
        }

        if (sourceExampleCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceExampleCount), sourceExampleCount, $"Expected at least 1 source example (or null when unknown) but got {sourceExampleCount}.");
        }

        bool sameInput = pretrained.InputSize == target.FeatureCount;
        var a = new AdviceCondition(
            "(a) same input x",
            sameInput,
            sameInput
                ? Invariant.F($"source and target both have {target.FeatureCount:N0} inputs")
                : Invariant.F($"the pretrained network takes {pretrained.InputSize:N0} inputs but the target has {target.FeatureCount:N0}: its features cannot even be computed"));

        AdviceCondition b;
        if (sourceExampleCount is { } source)
        {
            double ratio = (double)source / target.Count;
            b = new AdviceCondition(
                "(b) far more source data",
                ratio >= Options.MinSourceToTargetRatio,
                ratio >= Options.MinSourceToTargetRatio
                    ? Invariant.F($"{source:N0} source examples against {target.Count:N0} target examples: {ratio:N1}:1 ≥ {Options.MinSourceToTargetRatio:N0}:1")
                    : Invariant.F($"{source:N0} source examples against {target.Count:N0} target examples: {ratio:N2}:1 < {Options.MinSourceToTargetRatio:N0}:1, so each target example is worth more than a source example"));
        }
        else
        {
            b = new AdviceCondition("(b) far more source data", null, Invariant.F($"the source's example count is unknown; the target has {target.Count:N0}"));
        }

        if (!sameInput)
        {
            return new TransferAdvice([a, b, new AdviceCondition("(c) the source's features help", null, "not measured: the inputs differ")], []);
        }

        var probes = Probe(pretrained, target, cancellationToken);
        var raw = probes[0];
        var best = probes.Skip(1).MaxBy(p => p.Score)!;
        string metric = target.IsClassification ? "accuracy" : "R²";
        bool helps = best.Score >= raw.Score + Options.MinProbeGain;
        var c = new AdviceCondition(
            "(c) the source's features help",
            helps,
            Invariant.F($"a linear probe on {best.Description} scores {metric} {best.Score:F3} on held-out target data against {raw.Score:F3} on the raw inputs ({(best.Score - raw.Score) * 100:+0.0;-0.0;0.0} points; {Options.MinProbeGain * 100:0.#} needed)"));
        return new TransferAdvice([a, b, c], probes);
    }

    private List<ProbeScore> Probe(Network pretrained, Dataset target, CancellationToken cancellationToken)
    {
        int layers = pretrained.Layers.Count;
        var scores = new double[layers + 1];
        for (int repeat = 0; repeat < Options.ProbeRepeats; repeat++)
        {
            var (train, test) = target.Split(1 - Options.ProbeHoldoutFraction, Options.Seed + repeat);
            for (int l = -1; l < layers; l++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var trainFeatures = FeaturesOf(pretrained, train, l);
                var testFeatures = FeaturesOf(pretrained, test, l);
                Standardize(trainFeatures, testFeatures);
                scores[l + 1] += ProbeScoreOf(trainFeatures, testFeatures, Options.Seed + repeat, cancellationToken) / Options.ProbeRepeats;
            }
        }

        var result = new List<ProbeScore> { new(-1, Invariant.F($"raw inputs ({target.FeatureCount} features)"), scores[0]) };
        for (int l = 0; l < layers; l++)
        {
            result.Add(new ProbeScore(l, Invariant.F($"layer {l}: {pretrained.Layers[l]}"), scores[l + 1]));
        }

        return result;
    }

    /// <summary>Held-out accuracy (or R²) of a softmax (or linear) layer trained on the features.</summary>
    private double ProbeScoreOf(Dataset train, Dataset test, int seed, CancellationToken cancellationToken)
    {
        int outputs = train.IsClassification ? train.ClassCount : train.TargetCount;
        var probe = Network.Create(train.FeatureCount, seed)
            .Dense(outputs, train.IsClassification ? Activation.Softmax : Activation.Identity);
        var options = new TrainingOptions
        {
            Epochs = Options.ProbeEpochs,
            BatchSize = 32,
            Optimizer = Optimizers.Adam(Options.ProbeLearningRate),
            Seed = seed,
        };
        new Trainer(options).Fit(probe, train, null, null, cancellationToken);
        var score = probe.Evaluate(test);
        if (score.Accuracy is { } accuracy)
        {
            return accuracy;
        }

        // R² = 1 − MSE / Var(y): the loss is the squared error averaged over rows and examples, so the
        // variance is each row's own variance (about its own mean), averaged over the rows.
        var y = test.TargetArray!;
        int rows = test.TargetCount;
        double variance = 0;
        for (int r = 0; r < rows; r++)
        {
            double mean = 0;
            for (int j = 0; j < test.Count; j++)
            {
                mean += y[(j * rows) + r];
            }

            mean /= test.Count;
            double sum = 0;
            for (int j = 0; j < test.Count; j++)
            {
                double d = y[(j * rows) + r] - mean;
                sum += d * d;
            }

            variance += sum / test.Count / rows;
        }

        return variance > 0 ? 1 - (score.Loss / variance) : 0;
    }

    private static Dataset FeaturesOf(Network network, Dataset data, int layer)
    {
        if (layer < 0)
        {
            return data.WithFeatures(data.FeatureData.ToArray(), data.FeatureCount);
        }

        int size = network.Layers[layer].OutputSize;
        var features = new float[size * data.Count];
        network.Infer(data.FeatureData, data.Count, 0, layer + 1, features);
        return data.WithFeatures(features, size);
    }

    /// <summary>Z-scores each feature with the training part's mean and deviation (constant features become 0).</summary>
    private static void Standardize(Dataset train, Dataset test)
    {
        int n = train.FeatureCount;
        var mean = new double[n];
        var sq = new double[n];
        var x = train.FeatureData;
        for (int j = 0; j < train.Count; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double v = x[(j * n) + i];
                mean[i] += v;
                sq[i] += v * v;
            }
        }

        var scale = new float[n];
        var shift = new float[n];
        for (int i = 0; i < n; i++)
        {
            mean[i] /= train.Count;
            double std = Math.Sqrt(Math.Max(0, (sq[i] / train.Count) - (mean[i] * mean[i])));
            scale[i] = std > 1e-6 ? (float)(1 / std) : 0f;
            shift[i] = (float)mean[i];
        }

        foreach (var set in new[] { train, test })
        {
            var data = set.MutableFeatures;
            for (int j = 0; j < set.Count; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    data[(j * n) + i] = (data[(j * n) + i] - shift[i]) * scale[i];
                }
            }
        }
    }
}
