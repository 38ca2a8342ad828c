namespace TransferLearning.Benchmarks.TransferBench;

/// <summary>One set-up's rows, with what it is and how well the body was pretrained.</summary>
/// <param name="Name">A short name ("helpful", "wakeword").</param>
/// <param name="Title">What the set-up is, in words.</param>
/// <param name="Metric">The user's metric every score of the set-up is ("accuracy", "F1 of the rare class", "R²").</param>
/// <param name="SizeUnit">What a row's size counts ("per class", "positives").</param>
/// <param name="SourceCount">Source examples the body was pretrained on.</param>
/// <param name="SourceAccuracy">The pretrained network's accuracy on the source's test examples.</param>
/// <param name="TestCount">The target's test examples every score is measured on.</param>
/// <param name="Notes">Facts about the set-up measured in the run (such as a linear probe's score on the raw pixels).</param>
/// <param name="Rows">One row per target size.</param>
public sealed record BenchSetupResult(
    string Name,
    string Title,
    string Metric,
    string SizeUnit,
    int SourceCount,
    double SourceAccuracy,
    int TestCount,
    IReadOnlyList<string> Notes,
    IReadOnlyList<BenchRow> Rows);
