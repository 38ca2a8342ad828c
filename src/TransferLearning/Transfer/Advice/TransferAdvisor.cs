using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// Answers "does transfer make sense here?" with the source text's three conditions: (a) A and B have
/// the same input x; (b) A has far more data than B; (c) A's features help B — measured by linear probes
/// (ridge regression, scored on held-out folds: balanced accuracy for classes, R² for regression targets) on
/// each pretrained layer's activations against the raw inputs.
/// </summary>
/// <remarks>
/// <para>
/// Condition (c) holds only when the measured gain is more than noise. The probes are scored by
/// <see cref="AdvisorOptions.ProbeRepeats"/> × <see cref="AdvisorOptions.ProbeFolds"/>-fold stratified
/// cross-validation; the gain is the best layer's mean held-out score minus the raw inputs', with a
/// confidence interval from the per-fold gains (Student's t, the variance corrected for overlapping
/// training parts by Nadeau and Bengio's <c>1/n + n_test/n_train</c>). The features help when
/// </para>
/// <list type="number">
/// <item>the interval excludes zero;</item>
/// <item>the gain beats the permutation baseline: the largest gain that the same probes, with the best
/// layer chosen the same way, reach on <see cref="AdvisorOptions.Permutations"/> shuffles of the target
/// (with 19, a one-sided test at the 5 % level, corrected for choosing the best of the layers);</item>
/// <item>the gain is at least <see cref="AdvisorOptions.MinProbeGain"/>; and, for regression, the best
/// layer's R² is above 0 (a probe that does not beat predicting the mean never helps).</item>
/// </list>
/// </remarks>
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
    public TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, CancellationToken cancellationToken = default) =>
        Advise(pretrained, sourceExampleCount, target, null, cancellationToken);

    /// <summary>Advises, probing only the layers <paramref name="layersToProbe"/> (all when <see langword="null"/>).</summary>
    internal TransferAdvice Advise(Network pretrained, long? sourceExampleCount, Dataset target, IReadOnlyList<int>? layersToProbe, CancellationToken cancellationToken)
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
            return new TransferAdvice([a, b, new AdviceCondition("(c) the source's features help", null, "not measured: the inputs differ")], [], null);
        }

        var (probes, gain) = Probe(pretrained, target, layersToProbe ?? Enumerable.Range(0, pretrained.Layers.Count).ToArray(), cancellationToken);
        string metric = MetricName(target.IsClassification);
        var best = probes.First(p => p.Layer == gain.Layer);
        bool beatsMean = target.IsClassification || best.Score > 0;
        bool helps = gain.Lower > 0 && gain.Gain > gain.PermutationBaseline && gain.Gain >= Options.MinProbeGain && beatsMean;
        string why = helps
            ? "so the features help"
            : !beatsMean
                ? Invariant.F($"but an R² of {best.Score:F3} does not beat predicting the mean, so the features do not help")
                : gain.Lower <= 0
                    ? "the interval includes zero, so the features do not measurably help"
                    : gain.Gain <= gain.PermutationBaseline
                        ? "no more than the probes gain on shuffled labels, so the features do not measurably help"
                        : Invariant.F($"less than the {Options.MinProbeGain * 100:0.#} points asked for, so the features do not help enough");
        var c = new AdviceCondition(
            "(c) the source's features help",
            helps,
            Invariant.F($"a linear probe on {best.Description} scores {metric} {best.Score:F3} on held-out target data against {probes[0].Score:F3} on the raw inputs: {gain}; {why}"));
        return new TransferAdvice([a, b, c], probes, gain);
    }

    /// <summary>
    /// Scores a ridge probe on the raw inputs and on each of the layers <paramref name="probed"/> by
    /// repeated stratified k-fold, on the real targets and on <see cref="AdvisorOptions.Permutations"/>
    /// shuffles of them; returns the mean scores and the best layer's gain over the raw inputs.
    /// </summary>
    private (List<ProbeScore> Probes, ProbeGain Gain) Probe(Network pretrained, Dataset target, IReadOnlyList<int> probed, CancellationToken cancellationToken)
    {
        int layers = probed.Count;
        int count = target.Count;
        int folds = Math.Min(Options.ProbeFolds, count);
        int blocks = 1 + Options.Permutations;
        int outputs = target.IsClassification ? target.ClassCount : target.TargetCount;
        int q = outputs * blocks;

        // The real targets (block 0) and their shuffles, as count × q columns; the labels of each block.
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(Options.Seed);
        var targets = new float[count * q];
        var labels = new int[blocks][];
        for (int p = 0; p < blocks; p++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            if (p > 0)
            {
                Strata.Shuffle(order, random);
            }

            labels[p] = new int[count];
            for (int j = 0; j < count; j++)
            {
                int src = order[j];
                if (target.IsClassification)
                {
                    labels[p][j] = target.LabelArray![src];
                    targets[(((p * outputs) + labels[p][j]) * count) + j] = 1f;
                }
                else
                {
                    for (int r = 0; r < outputs; r++)
                    {
                        targets[(((p * outputs) + r) * count) + j] = target.TargetArray![(src * outputs) + r];
                    }
                }
            }
        }

        // The features of every representation, computed once and shared by every fold and shuffle.
        var features = new float[layers + 1][];
        var sizes = new int[layers + 1];
        features[0] = target.FeatureData.ToArray();
        sizes[0] = target.FeatureCount;
        for (int l = 0; l < layers; l++)
        {
            sizes[l + 1] = pretrained.Layers[probed[l]].OutputSize;
            features[l + 1] = new float[sizes[l + 1] * count];
            pretrained.Infer(target.FeatureData, count, 0, probed[l] + 1, features[l + 1]);
        }

        // score[rep][block][resample]
        int resamples = Options.ProbeRepeats * folds;
        var score = new double[layers + 1, blocks, resamples];
        double testShare = 0;
        int s = 0;
        for (int repeat = 0; repeat < Options.ProbeRepeats; repeat++)
        {
            var assignment = target.StratifiedFoldAssignment(folds, Options.Seed + repeat);
            for (int f = 0; f < folds; f++, s++)
            {
                var train = Enumerable.Range(0, count).Where(i => assignment[i] != f).ToArray();
                var test = Enumerable.Range(0, count).Where(i => assignment[i] == f).ToArray();
                testShare += (double)test.Length / train.Length / resamples;
                for (int rep = 0; rep <= layers; rep++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var predictions = LinearProbe.FitPredict(features[rep], sizes[rep], train, test, targets, q, Options.ProbeRidge, pretrained.Backend);
                    for (int p = 0; p < blocks; p++)
                    {
                        score[rep, p, s] = target.IsClassification
                            ? BalancedAccuracy(predictions, q, p * outputs, outputs, train, test, labels[p])
                            : RSquared(predictions, q, p * outputs, outputs, test, targets, count);
                    }
                }
            }
        }

        double Mean(int rep, int p)
        {
            double sum = 0;
            for (int i = 0; i < resamples; i++)
            {
                sum += score[rep, p, i];
            }

            return sum / resamples;
        }

        var probes = new List<ProbeScore> { new(-1, Invariant.F($"raw inputs ({target.FeatureCount} features)"), Mean(0, 0)) };
        for (int l = 0; l < layers; l++)
        {
            probes.Add(new ProbeScore(probed[l], Invariant.F($"layer {probed[l]}: {pretrained.Layers[probed[l]]}"), Mean(l + 1, 0)));
        }

        // The best layer, and the same choice made on every shuffle: the baseline a real gain must beat.
        int bestRep = Enumerable.Range(1, layers).MaxBy(rep => Mean(rep, 0) - Mean(0, 0));
        double baseline = double.NegativeInfinity;
        for (int p = 1; p < blocks; p++)
        {
            for (int rep = 1; rep <= layers; rep++)
            {
                baseline = Math.Max(baseline, Mean(rep, p) - Mean(0, p));
            }
        }

        var gains = Enumerable.Range(0, resamples).Select(i => score[bestRep, 0, i] - score[0, 0, i]).ToArray();
        double gain = gains.Average();
        double variance = resamples > 1 ? gains.Sum(g => (g - gain) * (g - gain)) / (resamples - 1) : 0;

        // Nadeau and Bengio's correction: resampled training parts overlap, so the folds' gains are
        // correlated and the plain standard error is too small; the variance is scaled by 1/n + n_test/n_train.
        double se = Math.Sqrt(variance * ((1.0 / resamples) + testShare));
        double t = resamples > 1 ? MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, resamples - 1, 1 - ((1 - Options.ConfidenceLevel) / 2)) : double.PositiveInfinity;
        var result = new ProbeGain(
            probed[bestRep - 1],
            probes[bestRep].Description,
            gain,
            gain - (t * se),
            gain + (t * se),
            se,
            Options.ConfidenceLevel,
            Options.Permutations > 0 ? baseline : double.NegativeInfinity,
            Options.Permutations,
            resamples,
            target.IsClassification);
        return (probes, result);
    }

    /// <summary>What the probes score: balanced accuracy for classification, R² for regression.</summary>
    internal static string MetricName(bool isClassification) => isClassification ? "balanced accuracy" : "R²";

    /// <summary>
    /// Balanced accuracy: the mean over the classes present in <paramref name="test"/> of the share of each
    /// class's held-out examples predicted as that class.
    /// </summary>
    /// <remarks>
    /// The ridge outputs estimate <c>P(c | x)</c> (a linear probability model), so each example is assigned
    /// the class with the largest <c>ŷ_c / π_c</c>, <c>π_c</c> being the class's share of the training part:
    /// Bayes' rule for balanced accuracy. On balanced classes this is plain accuracy. On imbalanced ones
    /// (25 positives against 500 negatives), plain accuracy rewards predicting the majority class and cannot
    /// tell features that separate the classes from features that do not. A class absent from the training
    /// part is never predicted. The ridge outputs are not probabilities (they may be negative), so the rule is a
    /// heuristic: when every output of an example is negative, dividing by <c>π_c</c> favours the common
    /// classes.
    /// </remarks>
    internal static double BalancedAccuracy(float[] predictions, int q, int first, int outputs, int[] train, int[] test, int[] labels)
    {
        var prior = new double[outputs];
        foreach (int j in train)
        {
            prior[labels[j]]++;
        }

        var correct = new int[outputs];
        var present = new int[outputs];
        for (int j = 0; j < test.Length; j++)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < outputs; c++)
            {
                if (prior[c] > 0)
                {
                    double scoreC = predictions[(j * q) + first + c] * (train.Length / prior[c]);
                    if (scoreC > bestScore)
                    {
                        best = c;
                        bestScore = scoreC;
                    }
                }
            }

            int label = labels[test[j]];
            present[label]++;
            correct[label] += best == label ? 1 : 0;
        }

        double sum = 0;
        int classes = 0;
        for (int c = 0; c < outputs; c++)
        {
            if (present[c] > 0)
            {
                sum += (double)correct[c] / present[c];
                classes++;
            }
        }

        return classes > 0 ? sum / classes : 0;   // no held-out example: stratified folds never leave one empty
    }

    /// <summary>R² = 1 − MSE / Var(y), each target row about its own held-out mean, averaged over the rows.</summary>
    private static double RSquared(float[] predictions, int q, int first, int outputs, int[] test, float[] targets, int count)
    {
        double total = 0;
        for (int r = 0; r < outputs; r++)
        {
            var column = targets.AsSpan((first + r) * count, count);
            double mean = 0;
            foreach (int j in test)
            {
                mean += column[j];
            }

            mean /= test.Length;
            double residual = 0;
            double variance = 0;
            for (int j = 0; j < test.Length; j++)
            {
                double y = column[test[j]];
                double e = y - predictions[(j * q) + first + r];
                residual += e * e;
                variance += (y - mean) * (y - mean);
            }

            total += variance > 0 ? 1 - (residual / variance) : 0;
        }

        return total / outputs;
    }
}
