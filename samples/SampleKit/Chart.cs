using System.Globalization;
using ScottPlot;

namespace TransferLearning.Samples;

/// <summary>Draws line charts as PNG files with ScottPlot (it renders through SkiaSharp, on Linux too).</summary>
public static class Chart
{
    /// <summary>Draws bar charts side by side and saves them as one PNG.</summary>
    /// <param name="path">The PNG file to write; its folder is created.</param>
    /// <param name="panels">The charts, left to right.</param>
    /// <param name="panelWidth">The width of one chart in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    public static void SaveBars(string path, IReadOnlyList<BarPanel> panels, int panelWidth = 720, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(panels);
        Save(path, [.. panels.Select(Draw)], panelWidth, height);
    }

    /// <summary>Draws <paramref name="panels"/> side by side and saves them as one PNG.</summary>
    /// <param name="path">The PNG file to write; its folder is created.</param>
    /// <param name="panels">The charts, left to right.</param>
    /// <param name="panelWidth">The width of one chart in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    public static void Save(string path, IReadOnlyList<ChartPanel> panels, int panelWidth = 720, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(panels);
        Save(path, [.. panels.Select(Draw)], panelWidth, height);
    }

    private static void Save(string path, IReadOnlyList<Plot> panels, int panelWidth, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (panels.Count == 0)
        {
            throw new ArgumentException("Expected at least one chart but got none.", nameof(panels));
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        if (panels.Count == 1)
        {
            panels[0].SavePng(path, panelWidth, height);
            return;
        }

        var multiplot = new Multiplot { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        multiplot.Reset(panels[0]);   // a new Multiplot holds one empty plot: replace it
        foreach (var panel in panels.Skip(1))
        {
            multiplot.AddPlot(panel);
        }

        multiplot.SavePng(path, panelWidth * panels.Count, height);
    }

    private static Plot Draw(BarPanel panel)
    {
        var plot = new Plot();
        var bars = panel.Values.Select((value, i) => new Bar
        {
            Position = i,
            Value = value,
            Error = panel.Errors[i],
            FillColor = plot.Add.Palette.GetColor(i),
            Label = value.ToString("F3", CultureInfo.InvariantCulture),
        }).ToArray();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, panel.Labels.Count).Select(i => (double)i)], [.. panel.Labels]);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 10;
        double low = panel.Values.Zip(panel.Errors, (v, e) => v - e).Min();
        double high = panel.Values.Zip(panel.Errors, (v, e) => v + e).Max();
        double margin = Math.Max(0.01, (high - low) * 0.3);
        plot.Axes.SetLimitsY(low - margin, high + margin);
        plot.Title(panel.Title);
        plot.YLabel(panel.YLabel);
        return plot;
    }

    private static Plot Draw(ChartPanel panel)
    {
        var plot = new Plot();
        var xs = new SortedSet<double>();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (line, index) in panel.Series.Select((l, i) => (l, i)))
        {
            double[] x = [.. line.X.Select(v => panel.LogX ? Math.Log10(v) : v)];
            double[] y = [.. line.Y];
            var scatter = plot.Add.Scatter(x, y);
            scatter.LegendText = line.Name;
            scatter.Color = palette.GetColor(index);   // by series: error bars must not take colours from the cycle
            scatter.LineWidth = 2;
            scatter.LinePattern = line.Dashed ? LinePattern.Dashed : LinePattern.Solid;
            scatter.MarkerSize = line.X.Count > 30 ? 0 : 6;   // a curve of many points reads better without dots
            if (line.Error is { } error && error.Any(e => e > 0))
            {
                var bars = plot.Add.ErrorBar(x, y, [.. error]);
                bars.Color = scatter.Color;
            }

            xs.UnionWith(line.X);
        }

        if (panel.LogX && xs.Count > 0)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. xs.Select(Math.Log10)], [.. xs.Select(v => v.ToString("G", CultureInfo.InvariantCulture))]);
        }

        plot.Title(panel.Title);
        plot.XLabel(panel.XLabel);
        plot.YLabel(panel.YLabel);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
