using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// The advisor's measurement of condition (c), step by step: build the real targets and their shuffles,
/// compute each representation's features once, fit and score a ridge probe per fold, average the
/// scores, and compare the best layer's gain with its confidence interval and the permutation baseline.
/// </summary>
internal sealed class ProbeExperiment
{
    private readonly AdvisorOptions options;
    private readonly Network pretrained;
    private readonly Dataset target;
    private readonly IReadOnlyList<int> probed;
    private readonly int eligible;
    private readonly int count;
    private readonly int folds;
    private readonly int blocks;
    private readonly int outputs;
    private readonly int q;
    private readonly int resamples;

    private ProbeExperiment(AdvisorOptions options, Network pretrained, Dataset target, IReadOnlyList<int> probed, int eligible)
    {
        this.eligible = eligible;
        this.options = options;
        this.pretrained = pretrained;
        this.target = target;
        this.probed = probed;
        count = target.Count;
        folds = Math.Min(options.ProbeFolds, count);
        outputs = target.IsClassification ? target.ClassCount : target.TargetCount;
        EnsureArraysFit(options, pretrained, target, probed, outputs);
        blocks = 1 + options.Permutations;
        q = outputs * blocks;
        resamples = options.ProbeRepeats * folds;
    }

    /// <summary>
    /// Checks, in 64-bit arithmetic, that every array the experiment allocates fits in one .NET array: the targets
    /// (<c>count × outputs × (1 + Permutations)</c>), each probed layer's features (<c>units × count</c>), a probe's
    /// right-hand side (<c>features × outputs × blocks</c>) and the number of resamples.
    /// </summary>
    /// <exception cref="ArgumentException">An array would not fit (named in the message, with its factors).</exception>
    private static void EnsureArraysFit(AdvisorOptions options, Network pretrained, Dataset target, IReadOnlyList<int> probed, int outputs)
    {
        long count = target.Count;
        long blocks = 1L + options.Permutations;
        Fits(count * outputs * blocks, Invariant.F($"{count:N0} examples × {outputs:N0} outputs × {blocks:N0} target blocks (1 + AdvisorOptions.Permutations) of probe targets"));
        long widest = target.FeatureCount;
        foreach (int layer in probed)
        {
            long units = pretrained.Layers[layer].OutputSize;
            Fits(units * count, Invariant.F($"{units:N0} units of layer {layer} × {count:N0} examples of probe features"));
            widest = Math.Max(widest, units);
        }

        Fits(widest * outputs * blocks, Invariant.F($"{widest:N0} features × {outputs:N0} outputs × {blocks:N0} target blocks of probe weights"));
        Fits((long)options.ProbeRepeats * Math.Min(options.ProbeFolds, target.Count), Invariant.F($"{options.ProbeRepeats:N0} repeats × {Math.Min(options.ProbeFolds, target.Count):N0} folds of resamples"));

        static void Fits(long values, string what)
        {
            if (values > Array.MaxLength)
            {
                throw new ArgumentException(
                    Invariant.F($"Expected a probe whose arrays fit in memory (at most {Array.MaxLength:N0} values each) but {what} need {values:N0}. Advise on fewer examples (Dataset.TakePerClass) or with fewer AdvisorOptions.Permutations."),
                    nameof(target));
            }
        }
    }

    /// <summary>
    /// Scores a ridge probe on the raw inputs and on each of the layers <paramref name="probed"/> by
    /// repeated stratified k-fold, on the real targets and on <see cref="AdvisorOptions.Permutations"/>
    /// shuffles of them; returns the mean scores and the best layer's gain over the raw inputs, the best chosen among
    /// the first <paramref name="eligible"/> layers of <paramref name="probed"/> (those the transfer keeps).
    /// </summary>
    public static (List<ProbeScore> Probes, ProbeGain Gain) Run(
        AdvisorOptions options, Network pretrained, Dataset target, IReadOnlyList<int> probed, int eligible, CancellationToken cancellationToken)
    {
        var experiment = new ProbeExperiment(options, pretrained, target, probed, eligible);
        var (targets, labels) = experiment.GatherTargets();
        var (features, sizes) = experiment.ComputeFeatures();
        var (score, testShare) = experiment.FitFolds(features, sizes, targets, labels, cancellationToken);
        var probes = experiment.Summarise(score);
        return (probes, experiment.CompareWithBaseline(score, probes, testShare));
    }

    /// <summary>
    /// Balanced accuracy of ridge outputs: each held-out example gets the class with the largest
    /// <c>ŷ_c / π_c</c>, <c>π_c</c> being the class's share of the training part (a class absent from it
    /// is never predicted), then <see cref="Statistics.BalancedAccuracy"/>.
    /// </summary>
    /// <remarks>
    /// The ridge outputs estimate <c>P(c | x)</c> (a linear probability model), so dividing by the prior is
    /// Bayes' rule for balanced accuracy; on balanced classes it is plain accuracy. On imbalanced ones
    /// (25 positives against 500 negatives) plain accuracy rewards predicting the majority class and cannot
    /// tell features that separate the classes from features that do not. The outputs are not probabilities
    /// (they may be negative), so the rule is a heuristic.
    /// </remarks>
    internal static double BalancedAccuracy(float[] predictions, int q, int first, int outputs, int[] train, int[] test, int[] labels)
    {
        var prior = new double[outputs];
        foreach (int j in train)
        {
            prior[labels[j]]++;
        }

        var predicted = new int[test.Length];
        var actual = new int[test.Length];
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

            predicted[j] = best;
            actual[j] = labels[test[j]];
        }

        return Statistics.BalancedAccuracy(predicted, actual, outputs);
    }

    /// <summary>R² of each target row (about its own held-out mean), averaged over the rows.</summary>
    private static double RSquared(float[] predictions, int q, int first, int outputs, int[] test, float[] targets, int count)
    {
        var actual = new float[test.Length];
        var predicted = new float[test.Length];
        double total = 0;
        for (int r = 0; r < outputs; r++)
        {
            var column = targets.AsSpan((first + r) * count, count);
            for (int j = 0; j < test.Length; j++)
            {
                actual[j] = column[test[j]];
                predicted[j] = predictions[(j * q) + first + r];
            }

            total += Statistics.RSquared(actual, predicted);
        }

        return total / outputs;
    }

    /// <summary>The real targets (block 0) and their shuffles, as <c>count × q</c> columns; the labels of each block.</summary>
    private (float[] Targets, int[][] Labels) GatherTargets()
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(options.Seed);
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

        return (targets, labels);
    }

    /// <summary>The features of every representation (raw inputs first), computed once and shared by every fold and shuffle.</summary>
    private (float[][] Features, int[] Sizes) ComputeFeatures()
    {
        int layers = probed.Count;
        var features = new float[layers + 1][];
        var sizes = new int[layers + 1];
        features[0] = target.FeatureData.ToArray();
        sizes[0] = target.FeatureCount;
        for (int l = 0; l < layers; l++)
        {
            sizes[l + 1] = pretrained.Layers[probed[l]].OutputSize;
            features[l + 1] = new float[sizes[l + 1] * count];
            pretrained.Inference.Run(target.FeatureData, count, 0, probed[l] + 1, features[l + 1], nameof(target));
        }

        return (features, sizes);
    }

    /// <summary>
    /// Fits a probe per representation on each fold's training part and scores it on the held-out part
    /// for every block: <c>score[representation, block, resample]</c>, and the mean of <c>n_test/n_train</c>.
    /// </summary>
    private (double[,,] Score, double TestShare) FitFolds(float[][] features, int[] sizes, float[] targets, int[][] labels, CancellationToken cancellationToken)
    {
        int layers = probed.Count;
        var score = new double[layers + 1, blocks, resamples];
        double testShare = 0;
        int s = 0;
        for (int repeat = 0; repeat < options.ProbeRepeats; repeat++)
        {
            var assignment = target.StratifiedFoldAssignment(folds, options.Seed + repeat);
            for (int f = 0; f < folds; f++, s++)
            {
                var train = Enumerable.Range(0, count).Where(i => assignment[i] != f).ToArray();
                var test = Enumerable.Range(0, count).Where(i => assignment[i] == f).ToArray();
                testShare += (double)test.Length / train.Length / resamples;
                for (int rep = 0; rep <= layers; rep++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var predictions = LinearProbe.FitPredict(features[rep], sizes[rep], train, test, targets, q, options.ProbeRidge, ManagedComputeBackend.Float32Of(pretrained.TrainingBackend));
                    for (int p = 0; p < blocks; p++)
                    {
                        score[rep, p, s] = target.IsClassification
                            ? BalancedAccuracy(predictions, q, p * outputs, outputs, train, test, labels[p])
                            : RSquared(predictions, q, p * outputs, outputs, test, targets, count);
                    }
                }
            }
        }

        return (score, testShare);
    }

    /// <summary>The mean held-out score of each representation on the real targets: the raw inputs first, then each probed layer.</summary>
    private List<ProbeScore> Summarise(double[,,] score)
    {
        var probes = new List<ProbeScore> { new() { Layer = -1, Description = Invariant.F($"raw inputs ({target.FeatureCount} features)"), Score = Mean(score, 0, 0) } };
        for (int l = 0; l < probed.Count; l++)
        {
            probes.Add(new ProbeScore { Layer = probed[l], Description = Invariant.F($"layer {probed[l]}: {pretrained.Layers[probed[l]]}"), Score = Mean(score, l + 1, 0) });
        }

        return probes;
    }

    /// <summary>
    /// The best layer's gain over the raw inputs, with its confidence interval (Student's t, the variance
    /// corrected by Nadeau and Bengio's <c>1/n + n_test/n_train</c>) and the permutation baselines: the same
    /// best-layer choice made on every shuffle, its gain and its gain in standard errors (a studentized permutation test).
    /// </summary>
    private ProbeGain CompareWithBaseline(double[,,] score, List<ProbeScore> probes, double testShare)
    {
        // The best layer of each block (the real target, then every shuffle) is chosen the same way: the largest mean gain.
        int Best(int p) => Enumerable.Range(1, eligible).MaxBy(rep => Mean(score, rep, p) - Mean(score, 0, p));
        int bestRep = Best(0);
        var (gain, se) = GainOf(score, bestRep, 0, testShare);
        double baseline = double.NegativeInfinity;
        double standardizedBaseline = double.NegativeInfinity;
        for (int p = 1; p < blocks; p++)
        {
            for (int rep = 1; rep <= eligible; rep++)
            {
                baseline = Math.Max(baseline, Mean(score, rep, p) - Mean(score, 0, p));
            }

            var (shuffledGain, shuffledSe) = GainOf(score, Best(p), p, testShare);
            standardizedBaseline = Math.Max(standardizedBaseline, Standardized(shuffledGain, shuffledSe));
        }

        double t = Statistics.TQuantile(options.ConfidenceLevel, resamples - 1);
        return new ProbeGain
        {
            Layer = probed[bestRep - 1],
            Description = probes[bestRep].Description,
            Gain = gain,
            Lower = gain - (t * se),
            Upper = gain + (t * se),
            StandardError = se,
            ConfidenceLevel = options.ConfidenceLevel,
            PermutationBaseline = options.Permutations > 0 ? baseline : double.NegativeInfinity,
            StandardizedPermutationBaseline = options.Permutations > 0 ? standardizedBaseline : double.NegativeInfinity,
            Permutations = options.Permutations,
            Resamples = resamples,
            IsClassification = target.IsClassification,
        };
    }

    /// <summary>
    /// The mean gain of probe <paramref name="rep"/> over the raw inputs on block <paramref name="p"/>, and its standard error:
    /// Nadeau and Bengio's correction, because resampled training parts overlap, so the folds' gains are correlated and the
    /// plain standard error is too small; the variance is scaled by <c>1/n + n_test/n_train</c>.
    /// </summary>
    private (double Gain, double StandardError) GainOf(double[,,] score, int rep, int p, double testShare)
    {
        var gains = Enumerable.Range(0, resamples).Select(i => score[rep, p, i] - score[0, p, i]).ToArray();
        return (Statistics.Mean(gains), Math.Sqrt(Statistics.Variance(gains) * ((1.0 / resamples) + testShare)));
    }

    /// <summary>A gain in standard errors; ± infinity (or 0) when every fold gained the same.</summary>
    internal static double Standardized(double gain, double standardError) =>
        standardError > 0 ? gain / standardError : gain > 0 ? double.PositiveInfinity : gain < 0 ? double.NegativeInfinity : 0;

    private double Mean(double[,,] score, int rep, int p)
    {
        double sum = 0;
        for (int i = 0; i < resamples; i++)
        {
            sum += score[rep, p, i];
        }

        return sum / resamples;
    }
}
