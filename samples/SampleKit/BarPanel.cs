namespace TransferLearning.Samples;

/// <summary>One bar chart: a bar per label, with a ± error bar on each.</summary>
/// <param name="Title">The title.</param>
/// <param name="YLabel">The y axis label.</param>
/// <param name="Labels">The bars' names, left to right.</param>
/// <param name="Values">The bars' heights.</param>
/// <param name="Errors">Half of each error bar's height.</param>
public sealed record BarPanel(string Title, string YLabel, IReadOnlyList<string> Labels, IReadOnlyList<double> Values, IReadOnlyList<double> Errors);
