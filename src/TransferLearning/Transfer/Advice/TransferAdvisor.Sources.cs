using MathNet.Numerics.Random;
using TransferLearning.Data;

namespace TransferLearning.Transfer;

/// <summary>The advisor on a target held in a <see cref="DataSource"/>: the probes on a sample drawn from it, without loading it.</summary>
public sealed partial class TransferAdvisor
{
    /// <summary>
    /// Advises on transferring <paramref name="pretrained"/> to a target held in a <see cref="DataSource"/> without loading it:
    /// the probes run, as <see cref="Advise(PretrainedNetwork, Dataset, CancellationToken)"/> runs them, on a sample of
    /// <paramref name="perClass"/> examples of each class drawn with <see cref="DataSource.TakePerClass(int, int, bool)"/>
    /// (seed <see cref="AdvisorOptions.Seed"/>; a class with fewer examples gives all it has), or, for regression targets,
    /// on <paramref name="perClass"/> examples drawn at random (all of them when the source has no more).
    /// </summary>
    /// <param name="pretrained">The pretrained network and its source example count.</param>
    /// <param name="target">The target's training data; only its labels and the features of the examples drawn are read.</param>
    /// <param name="perClass">The examples per class the probes are scored on (in all, for regression targets); at least 1.</param>
    /// <param name="cancellationToken">Stops the probes.</param>
    /// <returns>
    /// The advice on the sample, but with condition (b) judged on the whole target (<see cref="DataSource.Count"/> examples against
    /// the source's), as it would be judged on the target in memory. The probes' scores are those of <c>Advise</c> on the same sample.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> or <paramref name="target"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="perClass"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The network has no layers or no more than <see cref="AdvisorOptions.RemovedLayers"/>, the sample has fewer than 2 examples, or the probe's arrays would not fit in memory (see <see cref="Advise(PretrainedNetwork, Dataset, CancellationToken)"/>).</exception>
    /// <exception cref="DataFormatException">The source holds a malformed value.</exception>
    public TransferAdvice AdviseFromSource(PretrainedNetwork pretrained, DataSource target, int perClass, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(target);
        Guard.AtLeast(perClass, 1, nameof(perClass));
        var sample = target.IsClassification
            ? target.TakePerClass(perClass, Options.Seed, allowFewer: true)
            : Draw(target, perClass, Options.Seed);
        var advice = Advise(pretrained.Network, pretrained.SourceExampleCount, sample, cancellationToken);
        var conditions = advice.Conditions.ToArray();
        conditions[1] = MoreSourceData(pretrained.SourceExampleCount, target.Count);
        return new TransferAdvice(conditions, advice.Probes, advice.Gain) { KeptLayers = advice.KeptLayers, Notes = advice.Notes };
    }

    /// <summary><paramref name="count"/> examples of a regression source drawn without replacement (Floyd's algorithm), in the source's order.</summary>
    private static Dataset Draw(DataSource target, int count, int seed)
    {
        if (count >= target.Count)
        {
            return target.ToDataset();
        }

        var random = new Xoshiro256StarStar(seed);
        var chosen = new HashSet<int>();
        for (int j = target.Count - count; j < target.Count; j++)
        {
            int pick = random.Next(j + 1);
            chosen.Add(chosen.Contains(pick) ? j : pick);
        }

        var indices = chosen.ToArray();
        Array.Sort(indices);
        using var sample = target.Subset(indices);
        return sample.ToDataset();
    }
}
