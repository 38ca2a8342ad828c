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
    public static int[][] Of(Dataset data)
    {
        var labels = data.LabelArray;
        if (labels is null)
        {
            return [Enumerable.Range(0, data.Count).ToArray()];
        }

        var counts = data.CountPerClass();
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
    public static int[][] Shuffled(Dataset data, Random random)
    {
        var strata = Of(data);
        foreach (var stratum in strata)
        {
            Shuffle(stratum, random);
        }

        return strata;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public static void Shuffle(int[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
