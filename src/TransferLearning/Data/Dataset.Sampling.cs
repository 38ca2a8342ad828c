using MathNet.Numerics.Random;

namespace TransferLearning.Data;

/// <summary>Seeded, stratified splits, folds and samples (every one grouped by class through <see cref="Strata"/>).</summary>
public sealed partial class Dataset
{
    /// <summary>
    /// Splits the set in two at random (e.g. training and validation); for a classification set the split is
    /// stratified, so that each class keeps its share on both sides (every class with at least two examples
    /// appears on both sides).
    /// </summary>
    /// <param name="firstFraction">The share of examples in the first part, in (0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The two parts; both non-empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstFraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The set has fewer than 2 examples.</exception>
    public (Dataset First, Dataset Second) Split(double firstFraction, int seed)
    {
        Guard.Fraction(firstFraction, nameof(firstFraction));
        if (Count < 2)
        {
            throw new InvalidOperationException($"Cannot split a set of {Count} example(s) in two.");
        }

        var (first, second) = Strata.Split(Strata.Of(this), Count, firstFraction, new Xoshiro256StarStar(seed));
        return (Subset(first), Subset(second));
    }

    /// <summary>
    /// Splits the set into <paramref name="folds"/> stratified folds for cross-validation: every example is
    /// held out exactly once, and each class is spread evenly over the folds.
    /// </summary>
    /// <param name="folds">The number of folds, from 2 to <see cref="Count"/>.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>For each fold, the training part (all other folds) and the held-out part.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is less than 2 or more than <see cref="Count"/>.</exception>
    public IReadOnlyList<(Dataset Train, Dataset Holdout)> StratifiedFolds(int folds, int seed)
    {
        if (folds < 2 || folds > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Expected between 2 and {Count} folds (the number of examples) but got {folds}.");
        }

        var assignment = StratifiedFoldAssignment(folds, seed);
        var result = new List<(Dataset, Dataset)>(folds);
        for (int f = 0; f < folds; f++)
        {
            var holdout = Enumerable.Range(0, Count).Where(i => assignment[i] == f).ToArray();
            var train = Enumerable.Range(0, Count).Where(i => assignment[i] != f).ToArray();
            result.Add((Subset(train), Subset(holdout)));
        }

        return result;
    }

    /// <summary>The fold (in <c>[0, folds)</c>) of each example: each class dealt round-robin over the folds after a seeded shuffle.</summary>
    internal int[] StratifiedFoldAssignment(int folds, int seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var assignment = new int[Count];
        int next = 0;
        foreach (var stratum in Strata.Shuffled(this, random))
        {
            foreach (int i in stratum)
            {
                assignment[i] = next;
                next = (next + 1) % folds;
            }
        }

        return assignment;
    }

    /// <summary>Returns a random subset with <paramref name="perClass"/> examples of each class.</summary>
    /// <param name="perClass">The number of examples to keep per class, at least 1.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <param name="allowFewer">
    /// When <see langword="false"/> (the default), a class with fewer than <paramref name="perClass"/> examples is an
    /// error; when <see langword="true"/>, such a class contributes all it has (and a class with none, nothing).
    /// </param>
    /// <returns>The subset, ordered by class then draw, with the same class count and names.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="perClass"/> is less than 1, or a class has fewer examples than that and <paramref name="allowFewer"/>
    /// is <see langword="false"/> (the message names the class, the number wanted and the number available).
    /// </exception>
    /// <exception cref="InvalidOperationException">The set has no class labels.</exception>
    public Dataset TakePerClass(int perClass, int seed, bool allowFewer = false)
    {
        Guard.AtLeast(perClass, 1, nameof(perClass));
        RequireLabels(nameof(TakePerClass));
        var strata = Strata.Shuffled(this, new Xoshiro256StarStar(seed));
        if (!allowFewer)
        {
            for (int c = 0; c < strata.Length; c++)
            {
                RequireAvailable(c, strata[c].Length, perClass, nameof(perClass));
            }
        }

        return Subset(strata.SelectMany(s => s.Take(perClass)).ToArray());
    }

    /// <summary>
    /// Draws a two-class sample with a chosen balance: <paramref name="positives"/> examples of class 1 and
    /// <c>round(positives × negativesPerPositive)</c> of class 0 (e.g. for a detector trained on few positives,
    /// see <see cref="OneVsRest"/>).
    /// </summary>
    /// <param name="positives">The number of class-1 examples, at least 1.</param>
    /// <param name="negativesPerPositive">Class-0 examples per class-1 example, finite and greater than 0.</param>
    /// <param name="seed">The seed of the draw.</param>
    /// <param name="allowFewer">When <see langword="true"/>, a class with too few examples contributes all it has. The default is <see langword="false"/>.</param>
    /// <returns>The sample, negatives first then positives, each in draw order; class names kept.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="positives"/> is less than 1, <paramref name="negativesPerPositive"/> is not positive and finite, or a
    /// class has fewer examples than asked for and <paramref name="allowFewer"/> is <see langword="false"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException">The set is not a two-class classification set.</exception>
    public Dataset TakeWithRatio(int positives, double negativesPerPositive, int seed, bool allowFewer = false)
    {
        Guard.AtLeast(positives, 1, nameof(positives));
        Guard.Positive(negativesPerPositive, nameof(negativesPerPositive));
        RequireLabels(nameof(TakeWithRatio));
        if (ClassCount != 2)
        {
            throw new InvalidOperationException(Invariant.F(
                $"TakeWithRatio needs a two-class set (0 = negative, 1 = positive) but this one has {ClassCount} classes; make one with OneVsRest or Relabel."));
        }

        double wantedNegatives = Math.Round(positives * negativesPerPositive);
        if (wantedNegatives > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(negativesPerPositive), negativesPerPositive, Invariant.F($"Expected at most {int.MaxValue} negatives but {positives} × {negativesPerPositive} asks for {wantedNegatives}."));
        }

        int negatives = (int)wantedNegatives;
        var strata = Strata.Shuffled(this, new Xoshiro256StarStar(seed));
        if (!allowFewer)
        {
            RequireAvailable(1, strata[1].Length, positives, nameof(positives));
            RequireAvailable(0, strata[0].Length, negatives, nameof(negativesPerPositive));
        }

        var chosen = strata[0].Take(negatives).Concat(strata[1].Take(positives)).ToArray();
        if (chosen.Length == 0)
        {
            throw new InvalidOperationException("TakeWithRatio found no examples to take: both classes are empty.");
        }

        return Subset(chosen);
    }

    private void RequireLabels(string method)
    {
        if (_labels is null)
        {
            throw new InvalidOperationException($"{method} needs a classification set; this one has regression targets.");
        }
    }

    private void RequireAvailable(int label, int available, int wanted, string paramName)
    {
        if (available < wanted)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                wanted,
                Invariant.F($"Expected at least {wanted} examples of {DescribeClass(label)} but the set has {available}. Ask for at most {available}, or pass allowFewer: true to take all {available}."));
        }
    }
}
