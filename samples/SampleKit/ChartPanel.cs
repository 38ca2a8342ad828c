namespace TransferLearning.Samples;

/// <summary>One chart: its title, axis labels and lines.</summary>
/// <param name="Title">The title.</param>
/// <param name="XLabel">The x axis label.</param>
/// <param name="YLabel">The y axis label.</param>
/// <param name="Series">The lines.</param>
/// <param name="LogX">Whether x is drawn on a log₁₀ scale (the ticks show the original values).</param>
public sealed record ChartPanel(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series, bool LogX = false);
