namespace TransferLearning.Samples;

/// <summary>One line of a chart: points (x, y) and, optionally, an error bar (± the value) at each.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values, one per x.</param>
/// <param name="Error">Half the error bar's height at each point, or <see langword="null"/> for none.</param>
/// <param name="Dashed">Whether the line is dashed (e.g. a choice made by the library, beside fixed strategies).</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Error = null, bool Dashed = false);
