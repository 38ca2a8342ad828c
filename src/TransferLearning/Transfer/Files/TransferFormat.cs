using System.Globalization;
using TransferLearning.Serialization;
using TransferLearning.Training;

namespace TransferLearning.Transfer;

/// <summary>
/// How a pretrained network's provenance and a transfer's decision and history are stored in a file's
/// <c>__metadata__</c> (format version 1), beside the network (see <see cref="NetworkFiles"/>).
/// </summary>
/// <remarks>
/// Keys: <c>pretrained.source_examples</c> (empty when unknown), <c>pretrained.source_classes</c> (absent for regression),
/// <c>pretrained.class_names.*</c>; <c>transfer.strategy</c>, <c>transfer.reasons.*</c> (the reasons' text),
/// <c>transfer.reason_codes.*</c> (<c>code;value;threshold;strategy</c>, an empty field for a missing value; files
/// written before reasons carried codes have none, and their reasons read back as
/// <see cref="DecisionReasonCode.Unspecified"/> with the text alone, as does a code this version does not know),
/// <c>transfer.class_names.*</c> (the target's class names; absent in files from 1.0.0, read as empty),
/// <c>transfer.candidates.*</c> (<c>strategy;balanced accuracy;squared error;epochs;elapsed ticks</c>; files written before
/// Auto scored balanced accuracy hold plain accuracy there); <c>{pretrained|transfer}.history.*</c>
/// (one entry per epoch: <c>epoch;train loss;train accuracy;validation loss;validation accuracy;rate;elapsed ticks</c>,
/// an empty field for a missing value). Numbers are invariant-culture round-trip strings, so they read back bit for bit.
/// </remarks>
internal static class TransferFormat
{
    private const char Separator = ';';

    public static void WritePretrained(MetadataWriter metadata, PretrainedNetwork pretrained)
    {
        metadata.Set("pretrained.source_examples", pretrained.SourceExampleCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        if (pretrained.SourceClassCount is { } classes)
        {
            metadata.Set("pretrained.source_classes", classes);
        }

        metadata.SetList("pretrained.class_names", pretrained.ClassNames);
        WriteHistory(metadata, "pretrained.history", pretrained.History);
    }

    /// <summary>Reads the pretraining record (strings only, before any tensor); the returned function attaches it to the network.</summary>
    public static Func<Networks.Network, PretrainedNetwork> ReadPretrained(MetadataReader metadata)
    {
        if (!metadata.Has("pretrained.source_examples"))
        {
            throw metadata.Error("it holds a network but no pretraining record ('pretrained.source_examples'); load it with Network.Load.");
        }

        long? examples = metadata.String("pretrained.source_examples").Length == 0 ? null : metadata.Integer("pretrained.source_examples", 1, long.MaxValue);
        var history = ReadHistory(metadata, "pretrained.history");
        int? classes = metadata.Has("pretrained.source_classes") ? metadata.Int("pretrained.source_classes", 1) : null;
        var names = metadata.List("pretrained.class_names");
        return network => new PretrainedNetwork { Network = network, SourceExampleCount = examples, History = history, SourceClassCount = classes, ClassNames = names };
    }

    public static void WriteResult(MetadataWriter metadata, TransferResult result)
    {
        WriteDecision(metadata, result.Decision);
        WriteHistory(metadata, "transfer.history", result.History);
        metadata.SetList("transfer.class_names", result.ClassNames);
    }

    /// <summary>Writes the decision's strategy, reasons and candidates under <c>transfer.*</c>.</summary>
    public static void WriteDecision(MetadataWriter metadata, TransferDecision decision)
    {
        metadata.Set("transfer.strategy", decision.Strategy.ToString());
        metadata.SetList("transfer.reasons", decision.Reasons.Select(r => r.Text).ToList());
        metadata.SetList("transfer.reason_codes", decision.Reasons.Select(r => Join(
            r.Code.ToString(), Number(r.Value), Number(r.Threshold), r.Strategy?.ToString() ?? string.Empty)).ToList());
        metadata.SetList("transfer.candidates", decision.Candidates.Select(c => Join(
            c.Strategy.ToString(), Number(c.BalancedAccuracy), Number(c.SquaredError), c.Epochs.ToString(CultureInfo.InvariantCulture), c.Elapsed.Ticks.ToString(CultureInfo.InvariantCulture))).ToList());
    }

    /// <summary>Reads the decision and history (strings only, before any tensor); the returned function attaches them to the network.</summary>
    public static Func<Networks.Network, TransferResult> ReadResult(MetadataReader metadata)
    {
        if (!metadata.Has("transfer.strategy"))
        {
            throw metadata.Error("it holds a network but no transfer decision ('transfer.strategy'); load it with Network.Load.");
        }

        var decision = ReadDecision(metadata);
        var history = ReadHistory(metadata, "transfer.history");
        var names = metadata.Has("transfer.class_names.count") ? metadata.List("transfer.class_names") : []; // files from 1.0.0 have none
        return network => new TransferResult { Network = network, Decision = decision, History = history, ClassNames = names };
    }

    /// <summary>Reads what <see cref="WriteDecision"/> wrote (strings only).</summary>
    public static TransferDecision ReadDecision(MetadataReader metadata)
    {
        var strategy = ParseStrategy(metadata, metadata.String("transfer.strategy"), "transfer.strategy");
        var candidates = metadata.List("transfer.candidates").Select((text, i) =>
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"transfer.candidates.{i}");
            var fields = Fields(metadata, key, text, 5);
            return new CandidateScore
            {
                Strategy = ParseStrategy(metadata, fields[0], key),
                BalancedAccuracy = NullableNumber(metadata, key, fields[1]),
                SquaredError = NullableNumber(metadata, key, fields[2]),
                Epochs = Count(metadata, key, fields[3]),
                Elapsed = Ticks(metadata, key, fields[4]),
            };
        }).ToList();
        return new TransferDecision { Strategy = strategy, Reasons = ReadReasons(metadata), Candidates = candidates };
    }

    /// <summary>The reasons: their text, with their codes and numbers when the file has them (files written before codes do not).</summary>
    private static List<DecisionReason> ReadReasons(MetadataReader metadata)
    {
        var texts = metadata.List("transfer.reasons");
        if (!metadata.Has("transfer.reason_codes.count"))
        {
            return texts.Select(text => new DecisionReason { Text = text }).ToList();
        }

        var codes = metadata.List("transfer.reason_codes");
        if (codes.Count != texts.Count)
        {
            throw metadata.Error($"it holds {texts.Count} reasons ('transfer.reasons') but {codes.Count} reason codes ('transfer.reason_codes').");
        }

        return texts.Select((text, i) =>
        {
            string key = string.Create(CultureInfo.InvariantCulture, $"transfer.reason_codes.{i}");
            var fields = Fields(metadata, key, codes[i], 4);
            // A code this version does not know (a file from a later one) reads as Unspecified: the text still says it.
            var code = Enum.GetNames<DecisionReasonCode>().Contains(fields[0], StringComparer.Ordinal) ? Enum.Parse<DecisionReasonCode>(fields[0]) : DecisionReasonCode.Unspecified;
            return new DecisionReason
            {
                Code = code,
                Value = NullableNumber(metadata, key, fields[1]),
                Threshold = NullableNumber(metadata, key, fields[2]),
                Strategy = fields[3].Length == 0 ? null : ParseStrategy(metadata, fields[3], key),
                Text = text,
            };
        }).ToList();
    }

    public static void WriteHistory(MetadataWriter metadata, string key, TrainingHistory history)
    {
        metadata.SetList(key + ".epochs", history.Epochs.Select(e => Join(
            e.Epoch.ToString(CultureInfo.InvariantCulture),
            Number(e.TrainLoss),
            Number(e.TrainAccuracy),
            Number(e.ValidationLoss),
            Number(e.ValidationAccuracy),
            e.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            e.Elapsed.Ticks.ToString(CultureInfo.InvariantCulture))).ToList());
        metadata.Set(key + ".best_epoch", history.BestEpoch);
        metadata.Set(key + ".stopped_early", history.StoppedEarly);
        metadata.Set(key + ".restored_best", history.RestoredBest);
        metadata.Set(key + ".elapsed_ticks", history.Elapsed.Ticks);
    }

    public static TrainingHistory ReadHistory(MetadataReader metadata, string key)
    {
        var epochs = metadata.List(key + ".epochs").Select((text, i) =>
        {
            string entry = string.Create(CultureInfo.InvariantCulture, $"{key}.epochs.{i}");
            var f = Fields(metadata, entry, text, 7);
            if (!float.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out float rate) ||
                !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
            {
                throw metadata.Error($"metadata '{entry}' is '{text}'; expected an epoch number and a learning rate.");
            }

            return new EpochReport
            {
                Epoch = epoch,
                TrainLoss = Number(metadata, entry, f[1]),
                TrainAccuracy = NullableNumber(metadata, entry, f[2]),
                ValidationLoss = NullableNumber(metadata, entry, f[3]),
                ValidationAccuracy = NullableNumber(metadata, entry, f[4]),
                LearningRate = rate,
                Elapsed = Ticks(metadata, entry, f[6]),
            };
        }).ToList();
        return new TrainingHistory
        {
            Epochs = epochs,
            BestEpoch = metadata.Int(key + ".best_epoch", 0),
            StoppedEarly = metadata.Bool(key + ".stopped_early"),
            RestoredBest = metadata.Bool(key + ".restored_best"),
            Elapsed = TimeSpan.FromTicks(metadata.Integer(key + ".elapsed_ticks", 0, long.MaxValue)),
        };
    }

    /// <summary>The closed list of strategy names: HeadOnly, FullFineTune, TwoPhase, FromScratch and LastLayers(k).</summary>
    private static TransferStrategy ParseStrategy(MetadataReader metadata, string name, string key)
    {
        switch (name)
        {
            case "HeadOnly": return TransferStrategy.HeadOnly;
            case "FullFineTune": return TransferStrategy.FullFineTune;
            case "TwoPhase": return TransferStrategy.TwoPhase;
            case "FromScratch": return TransferStrategy.FromScratch;
        }

        const string prefix = "LastLayers(";
        if (name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(')')
            && int.TryParse(name.AsSpan(prefix.Length, name.Length - prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1)
        {
            return TransferStrategy.LastLayers(k);
        }

        throw metadata.Error($"metadata '{key}' names the strategy '{name}'; expected HeadOnly, LastLayers(k), FullFineTune, TwoPhase or FromScratch.");
    }

    private static string Join(params string[] fields) => string.Join(Separator, fields);

    private static string[] Fields(MetadataReader metadata, string key, string text, int count)
    {
        var fields = text.Split(Separator);
        return fields.Length == count ? fields : throw metadata.Error($"metadata '{key}' is '{text}'; expected {count} fields separated by '{Separator}'.");
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    private static double Number(MetadataReader metadata, string key, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw metadata.Error($"metadata '{key}' holds '{text}' where a number belongs.");

    private static double? NullableNumber(MetadataReader metadata, string key, string text) =>
        text.Length == 0 ? null : Number(metadata, key, text);

    private static int Count(MetadataReader metadata, string key, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            ? count
            : throw metadata.Error($"metadata '{key}' holds '{text}' where a count belongs.");

    private static TimeSpan Ticks(MetadataReader metadata, string key, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            ? TimeSpan.FromTicks(ticks)
            : throw metadata.Error($"metadata '{key}' holds '{text}' where a duration in ticks belongs.");
}
