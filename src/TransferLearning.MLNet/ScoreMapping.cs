using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using TransferLearning.Deployment;

namespace TransferLearning.MLNet;

/// <summary>
/// The network as an ML.NET row mapping: ML.NET's custom mapping transformer, given the columns' exact types at run
/// time (feature vector size, score size, key count and key values), runs <c>Network.Predict</c> on each row. It is
/// not saved by ML.NET (see <see cref="NetworkModelFiles"/>).
/// </summary>
internal static class ScoreMapping
{
    internal const string ScoreColumnName = "Score";
    internal const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The estimator of the mapping for <paramref name="model"/>.</summary>
    public static IEstimator<ITransformer> Estimator(MLContext context, Model model, string featureColumn, KeyValues? keyValues) =>
        Estimator(context, featureColumn, model.Network.InputSize, model.Task == ModelTask.Regression ? null : model.ClassNames, keyValues, model);

    /// <summary>
    /// The estimator of the mapping: <paramref name="classNames"/> <see langword="null"/> for a regression; without a
    /// model (<paramref name="model"/> <see langword="null"/>) only its output schema is of use (an estimator's shape).
    /// </summary>
    public static IEstimator<ITransformer> Estimator(MLContext context, string featureColumn, int featureCount, IReadOnlyList<string>? classNames, KeyValues? keyValues, Model? model)
    {
        var input = InputDefinition(featureColumn, featureCount);
        if (classNames is null)
        {
            var output = SchemaDefinition.Create(typeof(RegressionRow), SchemaDefinition.Direction.Write);
            return context.Transforms.CustomMapping<FeatureRow, RegressionRow>((row, scored) => scored.Score = PredictTarget(model!, row.Features), contractName: null, input, output);
        }

        int k = classNames.Count;
        var classes = SchemaDefinition.Create(typeof(ClassificationRow), SchemaDefinition.Direction.Write);
        var score = classes[nameof(ClassificationRow.Score)];
        score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        var slotNames = new VBuffer<ReadOnlyMemory<char>>(k, classNames.Select(name => name.AsMemory()).ToArray());
        score.AddAnnotation("SlotNames", slotNames, new VectorDataViewType(TextDataViewType.Instance, k));
        var predicted = classes[nameof(ClassificationRow.PredictedLabel)];
        predicted.ColumnType = new KeyDataViewType(typeof(uint), k);
        keyValues?.Annotate(predicted);
        return context.Transforms.CustomMapping<FeatureRow, ClassificationRow>((row, scored) => Classify(model!, row.Features, scored), contractName: null, input, classes);
    }

    /// <summary>The transformer of the mapping, for a data view whose schema has the feature column.</summary>
    public static ITransformer Transformer(MLContext context, Model model, string featureColumn, KeyValues? keyValues)
    {
        var empty = context.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), InputDefinition(featureColumn, model.Network.InputSize));
        return Estimator(context, model, featureColumn, keyValues).Fit(empty);
    }

    private static SchemaDefinition InputDefinition(string featureColumn, int featureCount)
    {
        var input = SchemaDefinition.Create(typeof(FeatureRow), SchemaDefinition.Direction.Read);
        input[nameof(FeatureRow.Features)].ColumnName = featureColumn;
        input[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return input;
    }

    private static float PredictTarget(Model model, VBuffer<float> features)
    {
        Span<float> output = stackalloc float[1];
        model.Network.Predict(Dense(features), output);
        return output[0];
    }

    /// <summary>Score = the class probabilities (a sigmoid unit's <c>p</c> becomes <c>[1 − p, p]</c>); PredictedLabel = the key of the most probable class (the first of equals).</summary>
    private static void Classify(Model model, VBuffer<float> features, ClassificationRow scored)
    {
        int k = model.ClassNames.Count;
        var editor = VBufferEditor.Create(ref scored.Score, k);
        var probabilities = editor.Values;
        if (model.Network.OutputSize == 1)
        {
            model.Network.Predict(Dense(features), probabilities[1..]);
            probabilities[0] = 1 - probabilities[1];
        }
        else
        {
            model.Network.Predict(Dense(features), probabilities);
        }

        int best = 0;
        for (int c = 1; c < k; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }

        scored.Score = editor.Commit();
        // A key field of a mapping's row class holds the 0-based class: ML.NET stores key `best + 1` (0 is its missing key).
        scored.PredictedLabel = (uint)best;
    }

    private static ReadOnlySpan<float> Dense(VBuffer<float> features) =>
        features.IsDense ? features.GetValues() : features.DenseValues().ToArray();

    /// <summary>The input row of the mapping (its column renamed and sized at run time).</summary>
    internal sealed class FeatureRow
    {
        public VBuffer<float> Features;
    }

    /// <summary>The output row of a classifier (<see cref="PredictedLabel"/> 0-based: ML.NET adds 1 to make the key).</summary>
    internal sealed class ClassificationRow
    {
        public VBuffer<float> Score;

        public uint PredictedLabel;
    }

    /// <summary>The output row of a regressor.</summary>
    internal sealed class RegressionRow
    {
        public float Score;
    }
}
