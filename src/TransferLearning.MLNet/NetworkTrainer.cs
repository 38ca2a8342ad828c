using Microsoft.ML;
using TransferLearning.Deployment;
using TransferLearning.Transfer;

namespace TransferLearning.MLNet;

/// <summary>
/// Trains a network (a multilayer perceptron of this library) in an ML.NET pipeline — to predict with, or to pretrain a
/// network that <see cref="TransferTrainer"/> then transfers (<see cref="NetworkTransformer.Pretrained"/>). Reads a
/// feature-vector column and a key label column (multiclass classification) or a <see cref="float"/> one (regression).
/// </summary>
public sealed class NetworkTrainer : IEstimator<NetworkTransformer>
{
    private readonly ModelTask? _task;

    /// <summary>Creates the trainer.</summary>
    /// <param name="options">The columns, the network to train and how it trains.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public NetworkTrainer(NetworkTrainerOptions options)
        : this(options, task: null)
    {
    }

    internal NetworkTrainer(NetworkTrainerOptions options, ModelTask? task)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _task = task;
    }

    /// <summary>Gets the columns, the network to train and how it trains.</summary>
    public NetworkTrainerOptions Options { get; }

    /// <summary>Trains (a copy of) the network on the examples of <paramref name="input"/> (read once into a data set).</summary>
    /// <param name="input">The training data: the feature column (of the network's input size) and the label column.</param>
    /// <returns>The transformer, with the trained network also as a <see cref="NetworkTransformer.Pretrained"/> one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, of the wrong type, or the features are not of the network's input size.</exception>
    /// <exception cref="ArgumentException">The data has no rows, a label is missing or not finite, a feature is not finite, or the network's output size does not fit the label (one unit per key value, or one for a <see cref="float"/> label).</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        var (columns, data) = EstimatorColumns.Read(input, Options, _task, Options.Architecture.InputSize);
        int units = columns.Task == ModelTask.Classification ? columns.ClassCount : 1;
        if (Options.Architecture.OutputSize != units && !(units == 2 && Options.Architecture.OutputSize == 1))
        {
            throw new ArgumentException(
                columns.Task == ModelTask.Classification
                    ? $"Expected the architecture to end in {units} units, one per key value of label column '{columns.Label}', but it ends in {Options.Architecture.OutputSize}."
                    : $"Expected the architecture to end in 1 unit for the float label column '{columns.Label}' but it ends in {Options.Architecture.OutputSize}.",
                nameof(input));
        }

        var pretrained = new TransferPipeline().Pretrain(Options.Architecture, data, Options.Training);
        var model = Model.Create(pretrained.Network, data, provenance: new ModelProvenance { History = pretrained.History });
        return new NetworkTransformer(model, columns.Feature, columns.KeyValues, pretrained);
    }

    /// <summary>Returns the output schema shape: the input's columns, <c>Score</c> and, for a key label, <c>PredictedLabel</c>.</summary>
    /// <param name="inputSchema">The input schema shape.</param>
    /// <returns>The output schema shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputSchema"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        EstimatorColumns.OutputSchema(inputSchema, Options, _task, Options.Architecture.InputSize);
}
