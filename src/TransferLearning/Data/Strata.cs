namespace TransferLearning.Data;

/// <summary>
/// The one place that groups a set's examples by class for stratified splits, folds and samples: the
/// indices of each class (index = label), or a single stratum of every index for a regression set.
/// </summary>
/// <remarks>
/// Every seeded method shuffles the strata in class order with one generator, so the same seed gives
/// the same draw. An empty class consumes no random numbers, so results do not depend on absent classes.
/// </remarks>
internal static class Strata
{
    /// <summary>Returns the indices of each class in ascending order (one stratum of all indices for a regression set).</summary>
    public static int[][] Of(Dataset data) => Of(data.LabelArray, data.Count, data.ClassCount);

    /// <summary>Returns the indices of each class in ascending order, from one label per example (<see langword="null"/>: one stratum of all <paramref name="count"/> indices).</summary>
    public static int[][] Of(int[]? labels, int count, int classCount)
    {
        if (labels is null)
        {
            return [Enumerable.Range(0, count).ToArray()];
        }

        var counts = new int[classCount];
        foreach (int label in labels)
        {
            counts[label]++;
        }

        var strata = counts.Select(n => new int[n]).ToArray();
        var filled = new int[counts.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            strata[c][filled[c]++] = i;
        }

        return strata;
    }

    /// <summary>Returns the strata, each shuffled by <paramref name="random"/>, in class order.</summary>
    public static int[][] Shuffled(Dataset data, Random random) => Shuffled(Of(data), random);

    /// <summary>Shuffles each of <paramref name="strata"/> by <paramref name="random"/>, in class order, and returns them.</summary>
    public static int[][] Shuffled(int[][] strata, Random random)
    {
        foreach (var stratum in strata)
        {
            Shuffle(stratum, random);
        }

        return strata;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public static void Shuffle(int[] items, Random random) => Shuffle(items.AsSpan(), random);

    /// <summary>Fisher–Yates shuffle in place: for <c>i = n − 1 … 1</c>, swap item <c>i</c> with item <c>random.Next(i + 1)</c>.</summary>
    public static void Shuffle(Span<int> items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// The indices of a stratified two-way split (see <see cref="Dataset.Split(double, int)"/>): each shuffled stratum gives
    /// <c>round(n·fraction)</c> (clamped to [1, n − 1] when n ≥ 2) to the first part; when a part would be empty (every
    /// stratum of one example), a plain shuffled split of all <paramref name="count"/> indices instead.
    /// </summary>
    public static (int[] First, int[] Second) Split(int[][] strata, int count, double firstFraction, Random random)
    {
        var first = new List<int>();
        var second = new List<int>();
        foreach (var items in Shuffled(strata, random))
        {
            int take = (int)Math.Round(items.Length * firstFraction);
            if (items.Length >= 2)
            {
                take = Math.Clamp(take, 1, items.Length - 1);
            }

            first.AddRange(items.Take(take));
            second.AddRange(items.Skip(take));
        }

        if (first.Count == 0 || second.Count == 0)
        {
            // Degenerate strata (every class has one example): fall back to a plain split.
            var all = Enumerable.Range(0, count).ToArray();
            Shuffle(all, random);
            int take = Math.Clamp((int)Math.Round(count * firstFraction), 1, count - 1);
            return (all[..take], all[take..]);
        }

        return ([.. first], [.. second]);
    }
}
