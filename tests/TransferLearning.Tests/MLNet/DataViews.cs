using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Data;

namespace TransferLearning.Tests.MLNet;

/// <summary>Data sets of the library as ML.NET data views: a known-size feature vector and a text label (or a float target).</summary>
internal static class DataViews
{
    /// <summary>Rows with a "Features" vector and a "Label" text (the class name, "class 3" when the set has no names).</summary>
    public static IDataView Classification(MLContext context, Dataset data, string featureColumn = "Features")
    {
        var rows = Rows(data).Select((features, j) => new TextLabelRow { Features = features, Label = Name(data, data.Labels[j]) }).ToArray();
        return context.Data.LoadFromEnumerable(rows, Definition<TextLabelRow>(data.FeatureCount, featureColumn));
    }

    /// <summary>The rows of <see cref="Classification"/> with the label mapped to a key (as a user's pipeline does first).</summary>
    public static IDataView Keyed(MLContext context, Dataset data, IDataView? keyOrder = null) =>
        context.Transforms.Conversion.MapValueToKey("Label", keyData: keyOrder).Fit(keyOrder ?? Classification(context, data)).Transform(Classification(context, data));

    /// <summary>Rows with a "Features" vector and a float "Label": the first feature doubled plus the second (a target a network fits).</summary>
    public static IDataView Regression(MLContext context, Dataset data)
    {
        var rows = Rows(data).Select(features => new FloatLabelRow { Features = features, Label = (2 * features[0]) + features[1] }).ToArray();
        return context.Data.LoadFromEnumerable(rows, Definition<FloatLabelRow>(data.FeatureCount, "Features"));
    }

    /// <summary>The class names in key order: the key order of <c>MapValueToKey</c> is the order of first appearance.</summary>
    public static IDataView KeyOrder(MLContext context, Dataset data) =>
        context.Data.LoadFromEnumerable(Enumerable.Range(0, data.ClassCount).Select(c => new KeyRow { Label = Name(data, c) }));

    public static string Name(Dataset data, int label) => data.ClassNames?[label] ?? $"class {label}";

    public static float[][] Rows(Dataset data)
    {
        var values = data.FeatureValues.ToArray();
        return Enumerable.Range(0, data.Count).Select(j => values.AsSpan(j * data.FeatureCount, data.FeatureCount).ToArray()).ToArray();
    }

    private static SchemaDefinition Definition<T>(int featureCount, string featureColumn)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        definition["Features"].ColumnName = featureColumn;
        return definition;
    }

    public sealed class TextLabelRow
    {
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    public sealed class FloatLabelRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    public sealed class KeyRow
    {
        public string Label { get; set; } = string.Empty;
    }
}
