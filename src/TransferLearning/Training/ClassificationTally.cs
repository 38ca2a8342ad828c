namespace TransferLearning.Training;

/// <summary>
/// Accumulates a <see cref="ClassificationReport"/> batch by batch: the confusion matrix and the log-loss sum, and,
/// for two classes only, the scores <c>P(class 1)</c> and labels that the ROC AUC and average precision rank. A
/// multi-class report therefore holds <c>k²</c> counts, never the probabilities.
/// </summary>
internal sealed class ClassificationTally
{
    /// <summary>
    /// <c>ε = 2⁻²³ ≈ 1.19e-7</c>, float32's machine epsilon (numpy's <c>finfo(float32).eps</c>): what scikit-learn's
    /// <c>log_loss</c> clips float32 probabilities to, <c>[ε, 1 − ε]</c>, with its default <c>eps="auto"</c>.
    /// </summary>
    internal const double LogLossEpsilon = 1.0 / (1 << 23);

    private readonly int _classCount;
    private readonly int _outputs;
    private readonly double _threshold;
    private readonly int[] _confusion;
    private readonly float[]? _scores;
    private readonly int[]? _labels;
    private readonly int _total;
    private double _logLossSum;
    private int _count;

    /// <summary>Initializes a tally for <paramref name="total"/> examples of <paramref name="classCount"/> classes with <paramref name="outputs"/> probabilities each (<paramref name="classCount"/>, or 1 for a sigmoid).</summary>
    public ClassificationTally(int classCount, int outputs, int total, double threshold)
    {
        _classCount = classCount;
        _outputs = outputs;
        _threshold = threshold;
        _total = total;
        _confusion = new int[classCount * classCount];
        if (classCount == 2)
        {
            _scores = new float[total];
            _labels = new int[total];
        }
    }

    /// <summary>Adds the next examples; labels and probabilities are checked, and errors name the example by its index in the whole set.</summary>
    public void Add(ReadOnlySpan<int> labels, ReadOnlySpan<float> probabilities, string labelsName, string probabilitiesName)
    {
        for (int j = 0; j < labels.Length; j++)
        {
            int example = _count + j;
            int label = labels[j];
            if ((uint)label >= (uint)_classCount)
            {
                throw new ArgumentException(Invariant.F($"Expected labels in [0, {_classCount}) but label {example} is {label}."), labelsName);
            }

            var p = probabilities.Slice(j * _outputs, _outputs);
            for (int c = 0; c < p.Length; c++)
            {
                if (!(p[c] >= 0 && p[c] <= 1))
                {
                    throw new ArgumentException(
                        Invariant.F($"Expected probabilities in [0, 1] but example {example}'s probability of {(_outputs == 1 ? "class 1" : Invariant.F($"class {c}"))} is {p[c]}."),
                        probabilitiesName);
                }
            }

            int predicted;
            if (_classCount == 2)
            {
                float score = p[_outputs - 1];
                _scores![example] = score;
                _labels![example] = label;
                predicted = score >= _threshold ? 1 : 0;
            }
            else
            {
                predicted = ArgMax(p);
            }

            _confusion[(label * _classCount) + predicted]++;
            _logLossSum += LogLoss(p, label);
        }

        _count += labels.Length;
    }

    /// <summary>Builds the report once every example was added (once: it sorts the scores it kept in place).</summary>
    public ClassificationReport Report(IReadOnlyList<string> classNames)
    {
        System.Diagnostics.Debug.Assert(_count == _total, "every example added");
        BinaryMetrics? binary = null;
        if (_classCount == 2)
        {
            var ranking = BinaryRanking.OfOwned(_labels!, _scores!); // the last use of the scores: sorted in place
            int tp = _confusion[3], fp = _confusion[1], fn = _confusion[2], tn = _confusion[0];
            double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            binary = new BinaryMetrics
            {
                Threshold = _threshold,
                Precision = precision,
                Recall = recall,
                F1 = BinaryRanking.F1(precision, recall),
                TruePositives = tp,
                FalsePositives = fp,
                FalseNegatives = fn,
                TrueNegatives = tn,
                RocAuc = ranking.RocAuc(),
                AveragePrecision = ranking.AveragePrecision(),
            };
        }

        return new ClassificationReport(_classCount, classNames, _confusion, _logLossSum / _count, binary);
    }

    /// <summary>
    /// <c>−log(q_y / Σ_c q_c)</c> with <c>q_c = clip(p_c, ε, 1 − ε)</c> (one sigmoid output <c>s</c>: <c>p = (1 − s, s)</c>,
    /// clipped first, as scikit-learn), in double precision.
    /// </summary>
    private static double LogLoss(ReadOnlySpan<float> p, int label)
    {
        if (p.Length == 1)
        {
            double s = Math.Clamp(p[0], LogLossEpsilon, 1 - LogLossEpsilon);
            return -Math.Log(label == 1 ? s : 1 - s);
        }

        double sum = 0;
        for (int c = 0; c < p.Length; c++)
        {
            sum += Math.Clamp(p[c], LogLossEpsilon, 1 - LogLossEpsilon);
        }

        return -Math.Log(Math.Clamp(p[label], LogLossEpsilon, 1 - LogLossEpsilon) / sum);
    }

    /// <summary>The first index of the largest probability (numpy's <c>argmax</c>).</summary>
    private static int ArgMax(ReadOnlySpan<float> p)
    {
        int best = 0;
        for (int c = 1; c < p.Length; c++)
        {
            if (p[c] > p[best])
            {
                best = c;
            }
        }

        return best;
    }
}
