using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>A set-up of the suite: a source to pretrain on, how to draw the target at a size and seed, and the user's metric.</summary>
/// <param name="Name">A short name ("helpful").</param>
/// <param name="Metric">The user's metric ("accuracy", "F1 of the rare class", "R²").</param>
/// <param name="SizeUnit">What a size counts ("per class", "positives").</param>
/// <param name="Comparison">The source, its test examples, the body's hidden layers and the pretraining (SampleKit's set-up); its title is the set-up's.</param>
/// <param name="Sizes">The target sizes of the full run.</param>
/// <param name="QuickSizes">The target sizes of <c>--quick</c>.</param>
/// <param name="Draw">The target's training sample at (size, seed).</param>
/// <param name="Test">The target's test examples.</param>
/// <param name="Score">The user's metric of a trained network on all of <paramref name="Test"/>, for the seed it was trained on.</param>
/// <param name="NewLayers">The new layers in place of the source's output layer; <see langword="null"/> for the pipeline's default.</param>
/// <param name="Notes">Facts about the set-up to measure once and print (such as a linear probe on the raw pixels); <see langword="null"/> for none.</param>
/// <param name="OneSeedFrom">Sizes from this one on get one seed (the "1 at 1,000"); the default is 1,000.</param>
/// <param name="DecideOn">What Default and Auto are told the transfer is judged on (<see cref="TransferOptions.Metric"/>); <see langword="null"/> for the target's default.</param>
public sealed record BenchSetup(
    string Name,
    string Metric,
    string SizeUnit,
    ComparisonSetup Comparison,
    IReadOnlyList<int> Sizes,
    IReadOnlyList<int> QuickSizes,
    Func<int, int, Dataset> Draw,
    Dataset Test,
    Func<Network, int, double> Score,
    IReadOnlyList<LayerSpec>? NewLayers = null,
    Func<IReadOnlyList<string>>? Notes = null,
    int OneSeedFrom = 1000,
    TransferMetric? DecideOn = null);
