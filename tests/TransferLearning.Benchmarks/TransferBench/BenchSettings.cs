namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>How a run of the suite was made.</summary>
/// <param name="Quick">Whether this is <c>--quick</c>.</param>
/// <param name="Seeds">Seeds per row (each draws its own target sample and initialisation); rows of 1,000 or more get one.</param>
/// <param name="PretrainEpochs">Epochs of pretraining on the large sources.</param>
/// <param name="BatchSize">Mini-batch size of every target run.</param>
/// <param name="Steps">Mini-batch steps every target run aims for, within <paramref name="MinEpochs"/>..<paramref name="MaxEpochs"/>.</param>
/// <param name="MinEpochs">Fewest epochs of a target run.</param>
/// <param name="MaxEpochs">Most epochs of a target run.</param>
/// <param name="Setups">The set-ups run, with their sizes ("helpful: 10, 100 per class").</param>
/// <param name="Notes">What else to know about the settings, in words.</param>
public sealed record BenchSettings(
    bool Quick,
    int Seeds,
    int PretrainEpochs,
    int BatchSize,
    int Steps,
    int MinEpochs,
    int MaxEpochs,
    IReadOnlyList<string> Setups,
    IReadOnlyList<string> Notes);
