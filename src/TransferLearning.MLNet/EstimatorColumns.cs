using Microsoft.ML;
using TransferLearning.Data;
using TransferLearning.Deployment;

namespace TransferLearning.MLNet;

/// <summary>What the two estimators share: reading their columns at <c>Fit</c>, and their output schema shape.</summary>
internal static class EstimatorColumns
{
    /// <summary>Checks the columns of <paramref name="input"/> (and the feature size against the network's inputs) and reads them into a set.</summary>
    public static (TrainingColumns Columns, Dataset Data) Read(IDataView input, TrainerColumnOptions options, ModelTask? task, int networkInputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = TrainingColumns.Check(input.Schema, options, task, nameof(input));
        if (columns.FeatureCount != networkInputSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(input),
                $"Expected feature column '{columns.Feature}' of Vector<Single, {networkInputSize}> (the network's inputs) but got Vector<Single, {columns.FeatureCount}>.");
        }

        return (columns, DataViewDatasets.Read(input, columns, nameof(input)));
    }

    /// <summary>The output shape: the input's columns, <c>Score</c> and, for a key label, <c>PredictedLabel</c> with the label's key values.</summary>
    public static SchemaShape OutputSchema(SchemaShape inputSchema, TrainerColumnOptions options, ModelTask? task, int networkInputSize)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (kind, classCount, label) = TrainingColumns.Check(inputSchema, options, task);
        KeyValues? keyValues = null;
        if (kind == ModelTask.Classification && TrainingColumns.Find(label.Annotations, KeyValues.Kind) is { ItemType: Microsoft.ML.Data.PrimitiveDataViewType item })
        {
            keyValues = KeyValues.Placeholder(item, classCount);
        }

        var classNames = kind == ModelTask.Classification ? Enumerable.Range(0, classCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() : null;
        return ScoreMapping.Estimator(new MLContext(), options.FeatureColumnName, networkInputSize, classNames, keyValues, model: null).GetOutputSchema(inputSchema);
    }
}
