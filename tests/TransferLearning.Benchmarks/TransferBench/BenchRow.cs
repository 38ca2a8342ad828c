using System.Text.Json.Serialization;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>
/// One row of the suite: every column at one target size, and the advisor's verdict per seed. Regret is in
/// points of the metric (100 × the difference): over the seeds, the best fixed strategy's mean score minus the
/// column's mean; on one seed, the best fixed strategy's score on that seed minus the column's score on it.
/// </summary>
/// <remarks>
/// A seed's regret is measured against that seed's best, not the row's best mean: a seed draws its own target
/// examples, and on a hard draw every strategy scores lower (the wakeword detector at 10 positives: the best fixed
/// strategy of one seed is 10 points under the best mean). Against the mean, a pick on that seed would show the
/// draw's luck, not the decision's.
/// </remarks>
/// <param name="Size">Target examples per class (for the imbalanced detector: positives).</param>
/// <param name="TargetCount">Target training examples in all (first seed's sample).</param>
/// <param name="Arms">The columns: the fixed strategies first, then Default and Auto.</param>
/// <param name="AdvisorHelps">What the advisor says about "(c) the features help", one per seed (<see langword="null"/>: could not tell).</param>
/// <param name="RawProbe">The advisor's linear probe on the raw inputs (held-out balanced accuracy or R²), one per seed.</param>
public sealed record BenchRow(int Size, int TargetCount, IReadOnlyList<BenchArm> Arms, IReadOnlyList<bool?> AdvisorHelps, IReadOnlyList<double> RawProbe)
{
    /// <summary>The column of <see cref="DataSizePolicy.Default"/>.</summary>
    public const string DefaultArm = "Default";

    /// <summary>The column of <see cref="TransferPolicy.Auto(AutoSelectionOptions?)"/>.</summary>
    public const string AutoArm = "Auto";

    private static readonly string Scratch = TransferStrategy.FromScratch.ToString();

    /// <summary>Gets the fixed strategies' columns.</summary>
    [JsonIgnore]
    public IEnumerable<BenchArm> Fixed => Arms.Where(a => !a.Decides);

    /// <summary>Gets the fixed strategy with the best mean score.</summary>
    [JsonIgnore]
    public BenchArm BestFixed => Fixed.MaxBy(a => a.Mean) ?? throw new InvalidOperationException("Expected at least one fixed strategy but the row has none.");

    /// <summary>Gets the name of the fixed strategy with the best mean score.</summary>
    public string Best => BestFixed.Name;

    /// <summary>Gets each column's mean regret in points.</summary>
    public IReadOnlyDictionary<string, double> MeanRegret => Arms.ToDictionary(a => a.Name, a => MeanRegretOf(a.Name));

    /// <summary>Gets each column's regret per seed in points.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> SeedRegret => Arms.ToDictionary(a => a.Name, a => SeedRegretOf(a.Name));

    /// <summary>Gets the best transfer strategy's mean score minus FromScratch's, in points (positive: a transfer wins).</summary>
    public double TransferGain =>
        (Fixed.Where(a => a.Name != Scratch).Max(a => a.Mean) - this[Scratch].Mean) * 100;

    /// <summary>Gets Default's decision time as a multiple of one FromScratch training (means over the seeds).</summary>
    public double DefaultCost => this[DefaultArm].MeanDecideSeconds / this[Scratch].TrainSeconds.Average();

    /// <summary>Gets the mean training time of the slowest fixed strategy, in seconds.</summary>
    public double SlowestFixedSeconds => Fixed.Max(a => a.TrainSeconds.Average());

    /// <summary>Gets Auto's whole transfer (its decision, then the chosen strategy's training) as a multiple of <see cref="SlowestFixedSeconds"/>.</summary>
    public double AutoCost => this[AutoArm].MeanTotalSeconds / SlowestFixedSeconds;

    /// <summary>The column named <paramref name="arm"/>.</summary>
    /// <exception cref="KeyNotFoundException">No column has that name.</exception>
    public BenchArm this[string arm] =>
        Arms.FirstOrDefault(a => a.Name == arm) ?? throw new KeyNotFoundException($"Expected a column named '{arm}' but the row has {string.Join(", ", Arms.Select(a => a.Name))}.");

    /// <summary>The mean regret of <paramref name="arm"/> in points: 100 × (best fixed mean − its mean).</summary>
    public double MeanRegretOf(string arm) => (BestFixed.Mean - this[arm].Mean) * 100;

    /// <summary>The regret of <paramref name="arm"/> per seed in points: 100 × (the best fixed strategy's score on that seed − its score on that seed).</summary>
    public IReadOnlyList<double> SeedRegretOf(string arm) =>
        [.. this[arm].Scores.Select((s, seed) => (Fixed.Max(a => a.Scores[seed]) - s) * 100)];
}
