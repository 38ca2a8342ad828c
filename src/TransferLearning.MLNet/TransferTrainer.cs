using Microsoft.ML;
using TransferLearning.Deployment;
using TransferLearning.Transfer;

namespace TransferLearning.MLNet;

/// <summary>
/// Transfers a pretrained network to the task of an ML.NET pipeline (<see cref="TransferPipeline.Transfer"/>): its
/// output layer is replaced by a new one sized to the label, and the policy decides what retrains. An ML.NET trainer:
/// reads a feature-vector column and a key label column (multiclass classification) or a <see cref="float"/> one
/// (regression), and fits a <see cref="NetworkTransformer"/> whose <see cref="NetworkTransformer.Decision"/> says what the
/// transfer did and why.
/// </summary>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
///     .Append(mlContext.Transforms.Concatenate("Features", pixelColumns))
///     .Append(mlContext.MulticlassClassification.Trainers.Transfer(pretrained));
/// var model = pipeline.Fit(train);
/// </code>
/// </example>
public sealed class TransferTrainer : IEstimator<NetworkTransformer>
{
    private readonly ModelTask? _task;

    /// <summary>Creates the trainer.</summary>
    /// <param name="pretrained">The pretrained network (from <see cref="TransferPipeline.Pretrain"/>, a file, or <see cref="NetworkTransformer.Pretrained"/>).</param>
    /// <param name="options">The columns and the transfer's options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pretrained"/> is <see langword="null"/>.</exception>
    public TransferTrainer(PretrainedNetwork pretrained, TransferTrainerOptions? options = null)
        : this(pretrained, options, task: null)
    {
    }

    internal TransferTrainer(PretrainedNetwork pretrained, TransferTrainerOptions? options, ModelTask? task)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        Pretrained = pretrained;
        Options = options ?? new TransferTrainerOptions();
        _task = task;
    }

    /// <summary>Gets the pretrained network the trainer transfers.</summary>
    public PretrainedNetwork Pretrained { get; }

    /// <summary>Gets the columns and the transfer's options.</summary>
    public TransferTrainerOptions Options { get; }

    /// <summary>Transfers the pretrained network to the examples of <paramref name="input"/> (read once into a data set).</summary>
    /// <param name="input">The training data: the feature column (of the pretrained network's input size) and the label column.</param>
    /// <returns>The transformer: the transferred network, the decision and its reasons.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, of the wrong type, or the features are not of the network's input size (the message names the column, the expected and the actual type).</exception>
    /// <exception cref="ArgumentException">The data has no rows, a label is missing or not finite, a feature is not finite, or the transfer's options do not fit the label (see <see cref="TransferPipeline.Transfer"/>).</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        var (columns, data) = EstimatorColumns.Read(input, Options, _task, Pretrained.Network.InputSize);
        var result = new TransferPipeline().Transfer(Pretrained, data, Options.Transfer);
        var model = Model.Create(result.Network, data, provenance: ModelProvenance.FromTransfer(Pretrained, result));
        return new NetworkTransformer(model, columns.Feature, columns.KeyValues);
    }

    /// <summary>Returns the output schema shape: the input's columns, <c>Score</c> and, for a key label, <c>PredictedLabel</c>.</summary>
    /// <param name="inputSchema">The input schema shape.</param>
    /// <returns>The output schema shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        EstimatorColumns.OutputSchema(inputSchema, Options, _task, Pretrained.Network.InputSize);
}
