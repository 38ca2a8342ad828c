using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Deployment;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.MLNet;

/// <summary>
/// A trained network as an ML.NET transformer (what <see cref="TransferTrainer"/> and <see cref="NetworkTrainer"/> fit):
/// <c>Transform</c> adds <c>Score</c> — a vector of the class probabilities, named by the classes (<c>SlotNames</c>) —
/// and <c>PredictedLabel</c> — the key of the most probable class, with the label's key values so that
/// <c>MapKeyToValue</c> maps it back; for a regression, <c>Score</c> alone, a <see cref="float"/>.
/// </summary>
/// <remarks>
/// The transformer maps row to row, so a <c>PredictionEngine</c> runs it, and predicts from many threads at once. ML.NET's
/// <c>mlContext.Model.Save</c> cannot save it: ML.NET keeps the members a transformer needs to write itself into a model
/// file internal. <see cref="NetworkModelFiles.SaveWithNetworks(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/> saves a pipeline that contains it — ML.NET's own zip
/// for ML.NET's transformers, this library's model file for the network — and
/// <see cref="NetworkModelFiles.LoadWithNetworks(ModelOperationsCatalog, string, out DataViewSchema)"/> loads it back.
/// </remarks>
public sealed class NetworkTransformer : ITransformer
{
    private readonly ITransformer _mapping;

    internal NetworkTransformer(Model model, string featureColumnName, KeyValues? keyValues, PretrainedNetwork? pretrained = null)
    {
        Model = model;
        FeatureColumnName = featureColumnName;
        KeyValues = keyValues;
        Pretrained = pretrained;
        _mapping = ScoreMapping.Transformer(new MLContext(), model, featureColumnName, keyValues);
    }

    /// <summary>Gets the model: the network, its class names (the label's key values as text) and where it came from.</summary>
    public Model Model { get; }

    /// <summary>Gets the task: classification for a key label, regression for a <see cref="float"/> one.</summary>
    public ModelTask Task => Model.Task;

    /// <summary>Gets the feature column the transformer reads: a vector of <see cref="float"/> of the network's input size.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Gets the transfer's decision — the strategy and its reasons, with the numbers used — or <see langword="null"/> for a network trained by <see cref="NetworkTrainer"/>.</summary>
    public TransferDecision? Decision => Model.Provenance?.Decision;

    /// <summary>Gets the training history (loss and metrics per epoch), or <see langword="null"/> when unknown.</summary>
    public TrainingHistory? History => Model.Provenance?.History;

    /// <summary>
    /// Gets the trained network as a pretrained one, to transfer to another task (<see cref="TransferTrainer"/>), when
    /// <see cref="NetworkTrainer"/> fitted this transformer; otherwise <see langword="null"/>.
    /// </summary>
    public PretrainedNetwork? Pretrained { get; }

    /// <summary>Gets a value indicating whether the transformer maps row to row: always <see langword="true"/>.</summary>
    public bool IsRowToRowMapper => true;

    internal KeyValues? KeyValues { get; }

    /// <summary>Returns the schema of <see cref="Transform"/>'s output for an input schema.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The input's columns, then <c>Score</c> (and <c>PredictedLabel</c> for a classifier).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a vector of <see cref="float"/> of the network's input size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema, nameof(inputSchema));
        return _mapping.GetOutputSchema(inputSchema);
    }

    /// <summary>Scores every row of <paramref name="input"/> (lazily, as ML.NET transforms do).</summary>
    /// <param name="input">The data: a feature column of the network's input size.</param>
    /// <returns>The data with <c>Score</c> (and <c>PredictedLabel</c>) added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a vector of <see cref="float"/> of the network's input size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckFeatures(input.Schema, nameof(input));
        return _mapping.Transform(input);
    }

    /// <summary>Returns the row-to-row mapper that a <c>PredictionEngine</c> uses.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a vector of <see cref="float"/> of the network's input size.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema, nameof(inputSchema));
        return _mapping.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Not supported: ML.NET keeps what a transformer needs to write itself into its model file internal.</summary>
    /// <param name="ctx">ML.NET's save context.</param>
    /// <exception cref="NotSupportedException">Always: save the pipeline with <see cref="NetworkModelFiles.SaveWithNetworks(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException(
            "ML.NET cannot save a NetworkTransformer in its own model file (the members a transformer needs to write one are internal to ML.NET): "
            + "save the pipeline with mlContext.Model.SaveWithNetworks(model, inputSchema, path) and load it with mlContext.Model.LoadWithNetworks(path, out var schema).");

    /// <summary>Returns a line: the task, the columns and the network.</summary>
    /// <returns>For example <c>NetworkTransformer(Features → Score, PredictedLabel; 10 classes; Network(…))</c>.</returns>
    public override string ToString() =>
        Task == ModelTask.Classification
            ? $"NetworkTransformer({FeatureColumnName} → Score, PredictedLabel; {Model.ClassNames.Count} classes; {Model.Network})"
            : $"NetworkTransformer({FeatureColumnName} → Score; regression; {Model.Network})";

    private void CheckFeatures(DataViewSchema schema, string paramName)
    {
        ArgumentNullException.ThrowIfNull(schema, paramName);
        int size = TrainingColumns.FeatureSize(schema, FeatureColumnName, paramName);
        if (size != Model.Network.InputSize)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                $"Expected feature column '{FeatureColumnName}' of Vector<Single, {Model.Network.InputSize}> (the network's inputs) but got Vector<Single, {size}>.");
        }
    }
}
