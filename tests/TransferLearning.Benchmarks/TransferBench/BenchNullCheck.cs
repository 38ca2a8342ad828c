using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>
/// The advisor on targets no features can help: the helpful set-up's images with their labels shuffled (a
/// random-label target, the class counts kept) or with a value drawn from N(0, 1) per image (a random-value
/// target). Issue 18 asks for at most 1 "helps" in 20 of each.
/// </summary>
/// <param name="Kind">"random labels" or "random values".</param>
/// <param name="Size">Target examples per class of the images drawn.</param>
/// <param name="Draws">Targets drawn (each from its own seed).</param>
/// <param name="Helps">Draws on which the advisor said "(c) the features help".</param>
/// <param name="Unsure">Draws on which it could not tell.</param>
public sealed record BenchNullCheck(string Kind, int Size, int Draws, int Helps, int Unsure)
{
    /// <summary>The kind of target whose labels are a permutation of the drawn images' labels.</summary>
    public const string RandomLabels = "random labels";

    /// <summary>The kind of regression target whose values are independent of the images.</summary>
    public const string RandomValues = "random values";

    /// <summary>The sizes per class the checks draw at: <see cref="BenchBounds.AdvisorMinSize"/> and 100, 10 draws each.</summary>
    public static IReadOnlyList<int> Sizes { get; } = [BenchBounds.AdvisorMinSize, 100];

    /// <summary>Draws per size (two sizes: 20 per kind).</summary>
    public const int DrawsPerSize = 10;

    /// <summary>Runs the advisor on <see cref="DrawsPerSize"/> random-label and random-value targets at each of <see cref="Sizes"/>.</summary>
    /// <param name="pretrained">The helpful set-up's pretrained body.</param>
    /// <param name="setup">The helpful set-up (its target pool's images are drawn).</param>
    /// <param name="log">Where to print each draw's verdict.</param>
    public static IReadOnlyList<BenchNullCheck> Run(PretrainedNetwork pretrained, ComparisonSetup setup, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(log);
        var advisor = new TransferAdvisor();
        var checks = new List<BenchNullCheck>();
        foreach (string kind in new[] { RandomLabels, RandomValues })
        {
            foreach (int size in Sizes)
            {
                int helps = 0, unsure = 0;
                for (int draw = 0; draw < DrawsPerSize; draw++)
                {
                    int seed = 1000 + draw;
                    var images = StrategyComparison.Sample(setup, size, seed);
                    var target = kind == RandomLabels ? ShuffledLabels(images, seed) : RandomValueTarget(images, seed);
                    var verdict = advisor.Advise(pretrained, target).FeaturesHelp.Holds;
                    helps += verdict == true ? 1 : 0;
                    unsure += verdict is null ? 1 : 0;
                    log(string.Create(CultureInfo.InvariantCulture, $"    {kind}, N={size}, draw {draw}: advisor {verdict?.ToString() ?? "could not tell"}"));
                }

                checks.Add(new BenchNullCheck(kind, size, DrawsPerSize, helps, unsure));
            }
        }

        return checks;
    }

    /// <summary>The images with their labels shuffled (seeded): labels that carry nothing about the pixels, the class counts kept.</summary>
    public static Dataset ShuffledLabels(Dataset images, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        int[] labels = [.. images.Labels];
        new Random(seed).Shuffle(labels);
        return Dataset.ForClassification(images.Features, labels, images.ClassCount);
    }

    /// <summary>The images with one regression value each, drawn from N(0, 1) (seeded, Box–Muller), independent of the pixels.</summary>
    public static Dataset RandomValueTarget(Dataset images, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        var random = new Random(seed);
        var values = Matrix<float>.Build.Dense(1, images.Count, (_, _) =>
            (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
        return Dataset.ForRegression(images.Features, values);
    }
}
