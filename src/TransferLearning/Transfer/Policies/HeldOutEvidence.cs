using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// What the policies decide from: candidate strategies trained, exactly as the transfer would train them, on
/// stratified training parts of the target and scored on the parts held out, their held-out outputs pooled so
/// that any metric (accuracy, balanced accuracy, F1, R²) is computed once over every held-out example.
/// </summary>
/// <remarks>
/// <para>
/// The target is dealt into <c>k</c> stratified folds (<see cref="Folds"/>). Measuring a candidate on every
/// fold is k-fold cross-validation: every example is scored once, by a network that never saw it; on fewer,
/// only those folds are held out (one fold of two: train on half, score on the other half).
/// Frozen strategies train on cached features (the trainer computes the frozen layers' output once per part),
/// so HeadOnly costs little more than one forward pass of the target. The folds of one measurement train two at a
/// time where there are two cores (a small target's products leave the second one mostly idle): every training is
/// the same to the bit on any thread, so the evidence is the same as one fold after another, in less time.
/// </para>
/// <para>
/// Two candidates are compared on the same held-out examples with a paired bootstrap: the examples are
/// resampled with replacement <see cref="BootstrapResamples"/> times, the metric difference computed on each
/// resample, and its standard deviation is the standard error of the difference. The standard error is
/// paired (both candidates see the same resample), so it stays small where two candidates err on the same
/// examples — near a ceiling, a 0.5-point difference can be well beyond the noise. A resample the metric cannot score
/// (average precision without a positive) is left out; with fewer than two scored, the error is infinite.
/// </para>
/// </remarks>
internal sealed class HeldOutEvidence
{
    /// <summary>The resamples of the paired bootstrap.</summary>
    public const int BootstrapResamples = 200;

    private readonly Dataset _target;
    private readonly int[] _assignment;
    private readonly (Dataset Train, Dataset Holdout, int[] Indices)?[] _parts;
    private readonly Dictionary<TransferStrategy, Dictionary<int, float[]>> _outputs = [];
    private readonly Dictionary<TransferStrategy, TimeSpan> _elapsed = [];
    private int _rows;

    private readonly bool _trainOnOneFold;

    private HeldOutEvidence(Dataset target, int folds, int[] assignment, bool trainOnOneFold)
    {
        _target = target;
        Folds = folds;
        _assignment = assignment;
        _trainOnOneFold = trainOnOneFold;
        _parts = new (Dataset, Dataset, int[])?[folds];
    }

    /// <summary>Gets the number of folds the target was dealt into.</summary>
    public int Folds { get; }

    /// <summary>Gets whether a part trains on one fold and holds out the others (see <see cref="Plan"/>).</summary>
    public bool TrainsOnOneFold => _trainOnOneFold;

    /// <summary>Deals the target into <paramref name="folds"/> stratified folds (fewer when the target is smaller), from the transfer's one seed.</summary>
    /// <param name="context">The transfer: its target and seed.</param>
    /// <param name="folds">The folds to deal the target into.</param>
    /// <param name="trainOnOneFold">
    /// Whether a part trains on fold <c>f</c> alone and holds out every other fold (a large target: a third of it
    /// trains, at a third of the cost, and two thirds score), instead of training on every other fold and holding out fold <c>f</c>.
    /// </param>
    public static HeldOutEvidence Plan(TransferContext context, int folds, bool trainOnOneFold = false)
    {
        var target = context.Target;
        folds = Math.Clamp(folds, 2, Math.Max(2, target.Count));
        return new HeldOutEvidence(target, folds, target.StratifiedFoldAssignment(folds, context.Options.Seed), trainOnOneFold);
    }

    /// <summary>The training part and the held-out part of fold <paramref name="fold"/>: every other fold and fold <paramref name="fold"/>, or the reverse when the plan trains on one fold.</summary>
    public (Dataset Train, Dataset Holdout) Part(int fold)
    {
        _parts[fold] ??= Build(fold);
        var (train, holdout, _) = _parts[fold]!.Value;
        return (train, holdout);

        (Dataset, Dataset, int[]) Build(int f)
        {
            var held = Enumerable.Range(0, _target.Count).Where(i => (_assignment[i] == f) != _trainOnOneFold).ToArray();
            return (_target.Subset([.. Enumerable.Range(0, _target.Count).Where(i => (_assignment[i] != f) != _trainOnOneFold)]), _target.Subset(held), held);
        }
    }

    /// <summary>The folds <paramref name="strategy"/> has been scored on.</summary>
    public int FoldsScored(TransferStrategy strategy) => _outputs.TryGetValue(strategy, out var folds) ? folds.Count : 0;

    /// <summary>Forgets what was measured of <paramref name="strategy"/> (its training diverged).</summary>
    public void Forget(TransferStrategy strategy) => _outputs.Remove(strategy);

    /// <summary>Gets the time spent training and scoring <paramref name="strategy"/>.</summary>
    public TimeSpan Elapsed(TransferStrategy strategy) => _elapsed.GetValueOrDefault(strategy);

    /// <summary>Adds <paramref name="elapsed"/> to the time spent on <paramref name="strategy"/>.</summary>
    public void AddElapsed(TransferStrategy strategy, TimeSpan elapsed) => _elapsed[strategy] = Elapsed(strategy) + elapsed;

    /// <summary>Keeps the outputs of <paramref name="network"/>, trained without fold <paramref name="fold"/>, on that fold.</summary>
    public void Record(TransferStrategy strategy, int fold, Network network)
    {
        var (_, holdout) = Part(fold);
        Store(strategy, fold, network.OutputSize, Outputs(network, holdout));
    }

    private void Store(TransferStrategy strategy, int fold, int rows, float[] outputs)
    {
        _rows = rows;
        if (!_outputs.TryGetValue(strategy, out var folds))
        {
            _outputs[strategy] = folds = [];
        }

        folds[fold] = outputs;
    }

    /// <summary>
    /// Trains <paramref name="strategy"/> as the transfer would on the training parts of the first <paramref name="folds"/> folds it has not been scored on yet, and keeps its held-out outputs.
    /// A plan that trains on one fold trains for the epochs of the final training on the whole target (a third of its steps, on a third of it);
    /// otherwise for the epochs of a training on the part (<see cref="TransferOptions.MinTrainingSteps"/> reached).
    /// </summary>
    /// <param name="context">The transfer: its target, options and seed.</param>
    /// <param name="strategy">The candidate.</param>
    /// <param name="folds">The folds to score it on.</param>
    /// <param name="epochShare">
    /// The share, in <c>(0, 1]</c>, of those epochs it trains (at least one): candidates that train every layer share
    /// the decision's budget when more than one is measured.
    /// </param>
    public void Measure(TransferContext context, TransferStrategy strategy, int folds, double epochShare = 1)
    {
        if (MeasureEach(context, [(strategy, folds, epochShare)])[0] is { } diverged)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(diverged).Throw();
        }
    }

    /// <summary>
    /// <see cref="Measure"/> for several candidates at once: every fold of every candidate that is not scored yet is trained,
    /// two at a time where there are two cores (each training is the same to the bit on any thread, so the outputs are those
    /// of one after another). A candidate whose training diverges is forgotten, and its exception (its first fold's, in
    /// fold order) is returned in its place; <see langword="null"/> for a candidate that trained. Any other failure is thrown.
    /// </summary>
    public TrainingDivergedException?[] MeasureEach(TransferContext context, IReadOnlyList<(TransferStrategy Strategy, int Folds, double EpochShare)> candidates)
    {
        // A candidate named twice is measured by its first entry (its folds and share), and shares that entry's fate.
        int[] owner = [.. Enumerable.Range(0, candidates.Count).Select(c => Enumerable.Range(0, c + 1).First(x => candidates[x].Strategy == candidates[c].Strategy))];
        var jobs = new List<(int Candidate, int Fold)>();
        for (int c = 0; c < candidates.Count; c++)
        {
            var (strategy, folds, _) = candidates[c];
            for (int f = 0; owner[c] == c && f < Math.Min(folds, Folds); f++)
            {
                if (!(_outputs.TryGetValue(strategy, out var done) && done.ContainsKey(f)))
                {
                    Part(f);   // built here, on one thread, before any training runs
                    jobs.Add((c, f));
                }
            }
        }

        // A candidate stops at its first failure: its later jobs are skipped (on two threads, those not yet started).
        var failures = new Exception?[jobs.Count];
        var stopped = new bool[candidates.Count];
        void Run(int job)
        {
            var (c, f) = jobs[job];
            if (Volatile.Read(ref stopped[c]))
            {
                return;
            }

            try
            {
                MeasureFold(context, candidates[c].Strategy, f, candidates[c].EpochShare);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures[job] = e;
                Volatile.Write(ref stopped[c], true);
            }
        }

        int threads = Math.Min(jobs.Count, Math.Min(Environment.ProcessorCount, MaxConcurrentFolds));
        if (threads < 2)
        {
            for (int job = 0; job < jobs.Count; job++)
            {
                Run(job);
            }
        }
        else
        {
            // Each thread takes the next job as it finishes one, the costliest first (a training of every layer before a
            // frozen body's head on cached features), so that no thread is left with two long ones at the end.
            int[] order = [.. Enumerable.Range(0, jobs.Count).OrderBy(j => candidates[jobs[j].Candidate].Strategy.FreezesPretrainedLayers).ThenByDescending(j => candidates[jobs[j].Candidate].EpochShare)];
            int next = -1;
            try
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = context.CancellationToken }, _ =>
                {
                    for (int taken = Interlocked.Increment(ref next); taken < order.Length; taken = Interlocked.Increment(ref next))
                    {
                        context.CancellationToken.ThrowIfCancellationRequested();
                        Run(order[taken]);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }

        // Anything but a diverged training is the caller's error: the first in job order is thrown.
        if (failures.FirstOrDefault(e => e is not null and not TrainingDivergedException) is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }

        // A diverged candidate is forgotten, and its first diverging fold's exception (in fold order) returned.
        var diverged = new TrainingDivergedException?[candidates.Count];
        for (int job = 0; job < jobs.Count; job++)
        {
            int c = jobs[job].Candidate;
            if (failures[job] is TrainingDivergedException e && diverged[c] is null)
            {
                diverged[c] = e;
                Forget(candidates[c].Strategy);
            }
        }

        return [.. Enumerable.Range(0, candidates.Count).Select(c => diverged[owner[c]])];
    }

    /// <summary>The most folds trained at once.</summary>
    internal const int MaxConcurrentFolds = 2;

    private void MeasureFold(TransferContext context, TransferStrategy strategy, int f, double epochShare)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var (train, holdout) = Part(f);
        // Training on one fold of a large target: the final training's epochs, so a third of its steps (a point of
        // the learning curve at equal epochs), not the steps floor of a small target, which would cost a whole training.
        int epochs = Math.Max(1, (int)Math.Round(context.Options.EpochsFor(_trainOnOneFold ? _target.Count : train.Count) * epochShare));
        var network = context.Try(strategy).Train(train, null, epochs, null, context.CancellationToken).Network;
        var outputs = Outputs(network, holdout);
        lock (_outputs)
        {
            Store(strategy, f, network.OutputSize, outputs);
            AddElapsed(strategy, clock.Elapsed);
        }
    }


    /// <summary>The examples held out in the folds both strategies were scored on.</summary>
    public int HeldOutCount(params TransferStrategy[] strategies) => Common(strategies).Sum(f => _parts[f]!.Value.Indices.Length);

    /// <summary>The examples each candidate trained on in fold 0.</summary>
    public int TrainedOn => Part(0).Train.Count;

    /// <summary>The metric of <paramref name="strategy"/> over the examples held out in the folds it shares with <paramref name="others"/>.</summary>
    /// <exception cref="ArgumentException">The metric's score is not finite (a custom metric's NaN, say): no candidate could be compared on it.</exception>
    public double Score(TransferStrategy strategy, TransferMetric metric, params TransferStrategy[] others)
    {
        var folds = Common([strategy, .. others]);
        float[] pooled = Pooled(strategy, folds);
        double score = metric.Score(Matrix<float>.Build.Dense(_rows, pooled.Length / _rows, pooled), Truth(PooledIndices(folds), null));
        if (!double.IsFinite(score))
        {
#pragma warning disable CA2208 // The argument at fault is the caller's TransferOptions.Metric, not a parameter of Score.
            throw new ArgumentException(
                Invariant.F($"Expected a finite score from the metric {metric.Name} on {folds.Sum(f => _parts[f]!.Value.Indices.Length):N0} held-out target examples of {strategy} but got {score}: a decision cannot compare candidates on it (TransferOptions.Metric)."),
                "options");
#pragma warning restore CA2208
        }

        return score;
    }

    /// <summary>
    /// The metric of <paramref name="first"/> minus that of <paramref name="second"/> on the examples held out in
    /// the folds both were scored on, and the paired bootstrap's standard error of that difference.
    /// </summary>
    public (double Difference, double StandardError) Compare(TransferStrategy first, TransferStrategy second, TransferMetric metric, int seed)
    {
        var folds = Common([first, second]);
        double difference = Score(first, metric, second) - Score(second, metric, first);
        int n = folds.Sum(f => _parts[f]!.Value.Indices.Length);
        var random = new Random(seed);
        var sample = new int[n];
        var differences = new double[BootstrapResamples];

        // Pooled once, resampled into buffers reused by every resample (the metric keeps neither).
        float[] firstOutputs = Pooled(first, folds), secondOutputs = Pooled(second, folds);
        int[] pooledIndices = PooledIndices(folds);
        float[] firstPicked = new float[_rows * n], secondPicked = new float[_rows * n];
        for (int b = 0; b < BootstrapResamples; b++)
        {
            for (int j = 0; j < n; j++)
            {
                sample[j] = random.Next(n);
            }

            var truth = Truth(pooledIndices, sample);
            differences[b] = metric.Score(Picked(firstOutputs, sample, firstPicked), truth) - metric.Score(Picked(secondOutputs, sample, secondPicked), truth);
        }

        // A resample the metric cannot score (average precision with no positive drawn) is left out.
        double[] finite = [.. differences.Where(double.IsFinite)];
        return (difference, finite.Length > 1 ? Math.Sqrt(Statistics.Variance(finite)) : double.PositiveInfinity);
    }

    /// <summary>The network's outputs on <paramref name="data"/>, rows × examples, column-major.</summary>
    internal static float[] Outputs(Network network, Dataset data)
    {
        var output = new float[network.OutputSize * data.Count];
        network.Inference.Run(data.FeatureData, data.Count, 0, network.Layers.Count, output, nameof(data));
        return output;
    }

    private int[] Common(TransferStrategy[] strategies) =>
        [.. Enumerable.Range(0, Folds).Where(f => strategies.All(s => _outputs.TryGetValue(s, out var done) && done.ContainsKey(f)))];

    /// <summary>The held-out outputs of <paramref name="strategy"/> on <paramref name="folds"/>, in fold order, rows × examples.</summary>
    private float[] Pooled(TransferStrategy strategy, int[] folds)
    {
        var outputs = _outputs[strategy];
        var pooled = new float[folds.Sum(f => outputs[f].Length)];
        int at = 0;
        foreach (int f in folds)
        {
            outputs[f].CopyTo(pooled, at);
            at += outputs[f].Length;
        }

        return pooled;
    }

    /// <summary>The pooled examples <paramref name="sample"/> of <paramref name="pooled"/> (rows × examples), written into <paramref name="buffer"/>.</summary>
    private Matrix<float> Picked(float[] pooled, int[] sample, float[] buffer)
    {
        for (int j = 0; j < sample.Length; j++)
        {
            pooled.AsSpan(sample[j] * _rows, _rows).CopyTo(buffer.AsSpan(j * _rows, _rows));
        }

        return Matrix<float>.Build.Dense(_rows, sample.Length, buffer);
    }

    /// <summary>The target indices of the examples held out in <paramref name="folds"/>, in fold order.</summary>
    private int[] PooledIndices(int[] folds) => [.. folds.SelectMany(f => _parts[f]!.Value.Indices)];

    /// <summary>The labels or targets of the pooled held-out examples <paramref name="pooled"/> (those at <paramref name="sample"/>, or all), with one placeholder feature: metrics read only the truth.</summary>
    private Dataset Truth(int[] pooled, int[]? sample)
    {
        int[] indices = pooled;
        if (sample is not null)
        {
            indices = new int[sample.Length];
            for (int j = 0; j < sample.Length; j++)
            {
                indices[j] = pooled[sample[j]];
            }
        }

        var features = Matrix<float>.Build.Dense(1, indices.Length);
        if (_target.IsClassification)
        {
            var labels = _target.LabelArray!;
            var picked = new int[indices.Length];
            for (int j = 0; j < indices.Length; j++)
            {
                picked[j] = labels[indices[j]];
            }

            return Dataset.ForClassification(features, picked, _target.ClassCount);
        }

        var targets = _target.TargetArray!;
        int q = _target.TargetCount;
        return Dataset.ForRegression(features, Matrix<float>.Build.Dense(q, indices.Length, (r, j) => targets[(indices[j] * q) + r]));
    }
}
