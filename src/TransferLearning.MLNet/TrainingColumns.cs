using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Deployment;

namespace TransferLearning.MLNet;

/// <summary>
/// The feature and label columns of a data view, checked: a known-size vector of <see cref="float"/>, and a key
/// (classification) or <see cref="float"/> (regression) label. Every error names the column, the expected and the actual
/// type, and is an <see cref="ArgumentOutOfRangeException"/> as ML.NET's own schema mismatches are.
/// </summary>
internal sealed record TrainingColumns(string Feature, int FeatureCount, string Label, ModelTask Task, int ClassCount, KeyValues? KeyValues)
{
    /// <summary>Checks the columns of <paramref name="schema"/>; <paramref name="task"/> is the task the estimator was made for, or <see langword="null"/> for either.</summary>
    public static TrainingColumns Check(DataViewSchema schema, TrainerColumnOptions options, ModelTask? task, string paramName)
    {
        int featureCount = FeatureSize(schema, options.FeatureColumnName, paramName);
        var label = Column(schema, options.LabelColumnName, "label", LabelExpectation(task), paramName);
        if (label.Type is KeyDataViewType key && task != ModelTask.Regression)
        {
            if (key.Count is 0 or > int.MaxValue)
            {
                throw Mismatch(paramName, $"Expected label column '{label.Name}' to be a key of known count but got {key}.");
            }

            int count = (int)key.Count;
            return new TrainingColumns(options.FeatureColumnName, featureCount, label.Name, ModelTask.Classification, count, KeyValues.Read(label, count));
        }

        if (label.Type == NumberDataViewType.Single && task != ModelTask.Classification)
        {
            return new TrainingColumns(options.FeatureColumnName, featureCount, label.Name, ModelTask.Regression, 0, null);
        }

        throw Mismatch(paramName, $"Expected label column '{label.Name}' of {LabelExpectation(task)} but got {label.Type}.");
    }

    /// <summary>Checks the feature column alone: a vector of <see cref="float"/> of known size; returns the size.</summary>
    public static int FeatureSize(DataViewSchema schema, string name, string paramName)
    {
        var feature = Column(schema, name, "feature", "a vector of Single of known size", paramName);
        if (feature.Type is not VectorDataViewType { ItemType: NumberDataViewType item } vector || item != NumberDataViewType.Single || !vector.IsKnownSize)
        {
            throw Mismatch(paramName, $"Expected feature column '{name}' of a vector of Single of known size but got {feature.Type}.");
        }

        return vector.Size;
    }

    /// <summary>Checks a schema shape (an estimator's <c>GetOutputSchema</c>): what a shape tells (not the vector size).</summary>
    public static (ModelTask Task, int ClassCount, SchemaShape.Column Label) Check(SchemaShape shape, TrainerColumnOptions options, ModelTask? task)
    {
        const string paramName = "inputSchema";
        if (Find(shape, options.FeatureColumnName) is not { } feature)
        {
            throw Mismatch(paramName, $"Expected a feature column '{options.FeatureColumnName}' but the schema has none (columns: {string.Join(", ", shape.Select(c => c.Name))}).");
        }

        if (feature.Kind != SchemaShape.Column.VectorKind.Vector || feature.ItemType != NumberDataViewType.Single)
        {
            throw Mismatch(paramName, $"Expected feature column '{options.FeatureColumnName}' of a vector of Single of known size but got {Describe(feature)}.");
        }

        if (Find(shape, options.LabelColumnName) is not { } label)
        {
            throw Mismatch(paramName, $"Expected a label column '{options.LabelColumnName}' but the schema has none (columns: {string.Join(", ", shape.Select(c => c.Name))}).");
        }

        if (label.Kind == SchemaShape.Column.VectorKind.Scalar && label.IsKey && task != ModelTask.Regression)
        {
            // A shape's key column carries its raw type (UInt32), not its count: the count is known at Fit, and 2 stands in for it here.
            return (ModelTask.Classification, label.ItemType is KeyDataViewType { Count: > 0 and <= int.MaxValue } key ? (int)key.Count : 2, label);
        }

        if (label.Kind == SchemaShape.Column.VectorKind.Scalar && !label.IsKey && label.ItemType == NumberDataViewType.Single && task != ModelTask.Classification)
        {
            return (ModelTask.Regression, 0, label);
        }

        throw Mismatch(paramName, $"Expected label column '{options.LabelColumnName}' of {LabelExpectation(task)} but got {Describe(label)}.");
    }

    /// <summary>The column of <paramref name="shape"/> named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static SchemaShape.Column? Find(SchemaShape shape, string name)
    {
        foreach (var column in shape)
        {
            if (column.Name == name)
            {
                return column;
            }
        }

        return null;
    }

    private static string Describe(SchemaShape.Column column) =>
        column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"{column.Kind} of {column.ItemType}";

    private static string LabelExpectation(ModelTask? task) => task switch
    {
        ModelTask.Classification => "a key type (multiclass classification: MapValueToKey makes one)",
        ModelTask.Regression => "Single (regression)",
        _ => "a key type (classification) or Single (regression)",
    };

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, string role, string expected, string paramName) =>
        schema.GetColumnOrNull(name) is { IsHidden: false } column
            ? column
            : throw Mismatch(paramName, $"Expected a {role} column '{name}' of {expected} but the data has none (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}).");

    private static ArgumentOutOfRangeException Mismatch(string paramName, string message) => new(paramName, message);
}
