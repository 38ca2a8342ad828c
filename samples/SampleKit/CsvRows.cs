using System.Globalization;
using TransferLearning.Data;

namespace TransferLearning.Samples;

/// <summary>Writes Fashion-MNIST images as CSV rows (raw pixel values 0–255 and the class name), as a user's own file would hold them.</summary>
public static class CsvRows
{
    /// <summary>Writes <paramref name="data"/> (features in [0, 1]) as <c>p0,…,p783,label</c> rows of raw values 0–255 and class names.</summary>
    public static void Write(string path, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, data.FeatureCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"p{i}")).Append("label")));
        var values = data.FeatureValues.Span;
        var line = new List<string>(data.FeatureCount + 1);
        for (int j = 0; j < data.Count; j++)
        {
            line.Clear();
            for (int i = 0; i < data.FeatureCount; i++)
            {
                line.Add(MathF.Round(values[(j * data.FeatureCount) + i] * 255f).ToString(CultureInfo.InvariantCulture));
            }

            line.Add(data.ClassName(data.Labels[j]));
            writer.WriteLine(string.Join(',', line));
        }
    }
}
