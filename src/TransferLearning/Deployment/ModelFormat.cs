using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Transfer;

namespace TransferLearning.Deployment;

/// <summary>
/// How a <see cref="Model"/>'s record is stored in a network file's <c>__metadata__</c> (model record version 1).
/// </summary>
/// <remarks>
/// Keys: <c>model.version</c> (1), <c>model.task</c> (<c>classification</c> or <c>regression</c>),
/// <c>model.class_names.*</c>, <c>model.input</c> (<c>raw</c> or <c>standardize</c>), <c>model.input.means</c> and
/// <c>model.input.standard_deviations</c> (round-trip floats separated by <c>;</c>), <c>model.library_version</c>;
/// <c>model.decision_threshold</c> (a round-trip double in <c>[0, 1]</c>, a binary classifier's only) when the model has
/// one; provenance under <c>model.source.*</c> (<c>description</c>, <c>examples</c>, <c>classes</c>, <c>class_names.*</c>),
/// the decision under <c>transfer.*</c> as in a transfer-result file, and the history under <c>model.history.*</c>.
/// A record without <c>model.decision_threshold</c> (every file written before it existed) loads with no threshold.
/// The threshold joined version 1 while no released package read the record (<c>Model</c> is not in 1.0.0): no reader
/// of version 1 ignores it. A later optional key that changes predictions needs a new version, so that earlier readers
/// refuse the file rather than predict otherwise.
/// </remarks>
internal static class ModelFormat
{
    public const int Version = 1;

    private const char Separator = ';';

    private const string ThresholdKey = "model.decision_threshold";

    public static void Write(MetadataWriter metadata, Model model)
    {
        metadata.Set("model.version", Version);
        metadata.Set("model.task", model.Task == ModelTask.Classification ? "classification" : "regression");
        metadata.SetList("model.class_names", model.ClassNames);
        metadata.Set("model.library_version", typeof(Model).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        if (model.DecisionThreshold is double threshold)
        {
            metadata.Set(ThresholdKey, threshold);
        }

        if (model.InputStandardizer is { } standardizer)
        {
            metadata.Set("model.input", "standardize");
            metadata.Set("model.input.means", Floats(standardizer.Means));
            metadata.Set("model.input.standard_deviations", Floats(standardizer.StandardDeviations));
        }
        else
        {
            metadata.Set("model.input", "raw");
        }

        if (model.Provenance is not { } provenance)
        {
            return;
        }

        metadata.Set("model.source.description", provenance.SourceDescription);
        metadata.Set("model.source.examples", provenance.SourceExampleCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        metadata.Set("model.source.classes", provenance.SourceClassCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        metadata.SetList("model.source.class_names", provenance.SourceClassNames);
        if (provenance.Decision is { } decision)
        {
            TransferFormat.WriteDecision(metadata, decision);
        }

        if (provenance.History is { } history)
        {
            TransferFormat.WriteHistory(metadata, "model.history", history);
        }
    }

    /// <summary>Reads the model record (strings only, before any tensor); the returned function checks it against the network and builds the model.</summary>
    public static Func<Network, Model> Read(MetadataReader metadata)
    {
        if (!metadata.Has("model.version"))
        {
            throw metadata.Error("it holds a network but no model record ('model.version'); load it with Network.Load, or TransferResult.Load or PretrainedNetwork.Load if it was saved as one.");
        }

        int version = metadata.Int("model.version", 1);
        if (version != Version)
        {
            throw metadata.Error($"it holds model record version {version}; this library reads version {Version} (a later library wrote it).");
        }

        var task = metadata.String("model.task") switch
        {
            "classification" => ModelTask.Classification,
            "regression" => ModelTask.Regression,
            var text => throw metadata.Error($"metadata 'model.task' is '{text}'; expected classification or regression."),
        };
        string[] classNames = [.. metadata.List("model.class_names")];
        var standardizer = metadata.String("model.input") switch
        {
            "raw" => null,
            "standardize" => ReadStandardizer(metadata),
            var text => throw metadata.Error($"metadata 'model.input' is '{text}'; expected raw or standardize."),
        };
        double? threshold = metadata.Has(ThresholdKey) ? ReadThreshold(metadata, task, classNames.Length) : null;
        var provenance = metadata.Has("model.source.examples") ? ReadProvenance(metadata) : null;
        return network =>
        {
            try
            {
                if (task == ModelTask.Classification)
                {
                    Model.CheckClassifier(network, classNames, "classNames");
                }
                else
                {
                    _ = network.OutputLayer;
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw metadata.Error($"its model record does not fit its network: {e.Message}");
            }

            if (standardizer is not null && standardizer.FeatureCount != network.InputSize)
            {
                throw metadata.Error($"its input standardisation has {standardizer.FeatureCount} features but the network has {network.InputSize} inputs.");
            }

            return Model.FromFile(network, task, classNames, standardizer, provenance, threshold);
        };
    }

    private static Standardizer ReadStandardizer(MetadataReader metadata)
    {
        var means = ReadFloats(metadata, "model.input.means");
        var deviations = ReadFloats(metadata, "model.input.standard_deviations");
        try
        {
            return Standardizer.FromStatistics(means, deviations);
        }
        catch (ArgumentException e)
        {
            throw metadata.Error($"its input standardisation is not valid: {e.Message}");
        }
    }

    private static double ReadThreshold(MetadataReader metadata, ModelTask task, int classCount)
    {
        double threshold = metadata.Double(ThresholdKey);
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw metadata.Error(Invariant.F($"metadata '{ThresholdKey}' is '{metadata.String(ThresholdKey)}'; expected a threshold in [0, 1]."));
        }

        if (task != ModelTask.Classification || classCount != 2)
        {
            string model = task == ModelTask.Classification ? Invariant.F($"classifier of {classCount} classes") : "regression model";
            throw metadata.Error($"it holds a decision threshold ('{ThresholdKey}') for a {model}; only a binary classifier has one.");
        }

        return threshold;
    }

    private static ModelProvenance ReadProvenance(MetadataReader metadata)
    {
        string examples = metadata.String("model.source.examples");
        string classes = metadata.String("model.source.classes");
        return new ModelProvenance
        {
            SourceDescription = metadata.String("model.source.description"),
            SourceExampleCount = examples.Length == 0 ? null : metadata.Integer("model.source.examples", 1, long.MaxValue),
            SourceClassCount = classes.Length == 0 ? null : metadata.Int("model.source.classes", 1),
            SourceClassNames = metadata.List("model.source.class_names"),
            Decision = metadata.Has("transfer.strategy") ? TransferFormat.ReadDecision(metadata) : null,
            History = metadata.Has("model.history.epochs.count") ? TransferFormat.ReadHistory(metadata, "model.history") : null,
        };
    }

    private static string Floats(IReadOnlyList<float> values) =>
        string.Join(Separator, values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static float[] ReadFloats(MetadataReader metadata, string key)
    {
        var fields = metadata.String(key).Split(Separator);
        var values = new float[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            if (!float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw metadata.Error($"metadata '{key}' holds '{fields[i]}' at position {i} where a number belongs.");
            }
        }

        return values;
    }
}
