using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training;

/// <summary>
/// What a training checkpoint must agree with before a run resumes from it: the network's layers (kind, sizes,
/// activation, freezing), the data (whether a <see cref="Dataset"/> or a <see cref="DataSource"/>, its counts and a fingerprint of
/// its values), the options that shape the run and the parameter groups. Each is kept in the checkpoint's metadata as readable text, so that a mismatch names what differs.
/// </summary>
internal sealed class CheckpointIdentity
{
    private const string CheckpointPath = "checkpointPath";

    /// <summary>The data kind of a run on a <see cref="Dataset"/>: not written (a checkpoint without <c>data.kind</c> is one).</summary>
    private const string DatasetKind = "dataset";

    /// <summary>The data kind of a run on a <see cref="DataSource"/>, written as <c>data.kind</c>.</summary>
    private const string SourceKind = "source";

    /// <summary>The examples of a source read into its fingerprint, spread evenly over it (all of a smaller source).</summary>
    internal const int SourceSample = 256;

    private readonly string _kind;
    private readonly Network _network;
    private readonly TrainingOptions _options;
    private readonly string[] _layers;
    private readonly (string Key, string Value)[] _settings;
    private readonly string[] _groups;
    private readonly string _train;
    private readonly string _validation;

    /// <summary>The identity of a run of <see cref="Trainer.Fit"/> on a <see cref="Dataset"/> (the layout of the checkpoints of version 1.0: no data kind).</summary>
    public CheckpointIdentity(Network network, IReadOnlyList<ParameterGroup> groups, TrainingOptions options, Loss loss, Dataset train, Dataset? validation)
        : this(network, groups, options, loss, DatasetKind, Describe(train), validation is null ? "none" : Describe(validation), [])
    {
    }

    /// <summary>The identity of a run of <see cref="Trainer.FitFromSource"/> on a <see cref="DataSource"/>: the streaming shuffle is one of its options.</summary>
    public CheckpointIdentity(Network network, IReadOnlyList<ParameterGroup> groups, TrainingOptions options, Loss loss, DataSource train, DataSource? validation)
        : this(network, groups, options, loss, SourceKind, Describe(train), validation is null ? "none" : Describe(validation), [("StreamingShuffle", StreamingOrderText(options))])
    {
    }

    private CheckpointIdentity(Network network, IReadOnlyList<ParameterGroup> groups, TrainingOptions options, Loss loss, string kind, string train, string validation, (string Key, string Value)[] extraSettings)
    {
        _network = network;
        _kind = kind;
        _options = options;
        _layers = network.Layers.Select(l => l.CheckpointDescription).Prepend(Invariant.F($"{network.InputSize} inputs")).ToArray();
        var stopping = options.EarlyStopping is { } es ? Invariant.F($"patience {es.Patience}, min delta {es.MinDelta:R}, restore best {es.RestoreBest}") : "none";
        _settings =
        [
            ("BatchSize", Invariant.F($"{options.BatchSize}")),
            ("Shuffle", options.Shuffle ? "true" : "false"),
            ("Seed", Invariant.F($"{options.Seed}")),
            ("Optimizer", Invariant.F($"{options.Optimizer.GetType().Name}: {options.Optimizer}")),
            ("Loss", loss.Name),
            ("Schedule", Invariant.F($"{options.Schedule}")),
            ("EarlyStopping", stopping),
            ("DivergenceCheckpointInterval", Invariant.F($"{options.DivergenceCheckpointInterval}")),
            ("DivergenceLossFactor", Invariant.F($"{options.DivergenceLossFactor:R}")),
            .. extraSettings,
        ];
        _groups = groups.Select(g => Invariant.F(
            $"{string.Join(", ", g.Parameters.Select(p => p.Name))} (learning-rate scale {g.LearningRateScale:R}, weight decay {(g.WeightDecay is { } wd ? wd.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "the optimiser's")}, anchor decay {g.AnchorDecay:R})")).ToArray();
        _train = train;
        _validation = validation;
    }

    /// <summary>Writes the identity into a checkpoint's metadata.</summary>
    public void Write(CheckpointWriter checkpoint)
    {
        var m = checkpoint.Metadata;
        m.SetList("network.layers", _layers);
        foreach (var (key, value) in _settings)
        {
            m.Set("options." + key, value);
        }

        m.SetList("groups", _groups);
        if (_kind != DatasetKind)
        {
            m.Set("data.kind", _kind);
        }

        m.Set("data.train", _train);
        m.Set("data.validation", _validation);
    }

    /// <summary>Throws when <paramref name="checkpoint"/> was made with another network, data, options or groups, or has done more epochs than the options run.</summary>
    /// <exception cref="ArgumentException">It was; the message names what differs.</exception>
    /// <exception cref="Serialization.ModelFormatException">The checkpoint's metadata lacks a value or has a malformed one.</exception>
    public void EnsureMatches(CheckpointReader checkpoint)
    {
        var m = checkpoint.Metadata;
        string path = checkpoint.Path;
        string kind = m.Has("data.kind") ? m.String("data.kind") : DatasetKind;
        if (kind != _kind)
        {
            throw Mismatch(
                $"Expected a checkpoint of a run {RunOf(_kind)} but checkpoint '{path}' was made by a run {RunOf(kind)}: resume it with {ResumeOf(kind)}.", CheckpointPath);
        }

        var layers = m.List("network.layers");
        if (layers.Count != _layers.Length)
        {
            throw Mismatch(
                Invariant.F($"Expected a network like the one checkpoint '{path}' was made with ({layers.Count - 1} layers) but got one with {_layers.Length - 1} layers."), "network");
        }

        for (int l = 0; l < layers.Count; l++)
        {
            if (layers[l] != _layers[l])
            {
                string what = l == 0 ? "the input" : Invariant.F($"layer {l - 1}");
                throw Mismatch(
                    $"Expected a network like the one checkpoint '{path}' was made with but {what} is '{_layers[l]}' here and '{layers[l]}' in the checkpoint.", "network");
            }
        }

        Same(m.String("data.train"), _train, $"Expected the training set checkpoint '{path}' was made with", "train");
        Same(m.String("data.validation"), _validation, $"Expected the validation set checkpoint '{path}' was made with", "validation");
        foreach (var (key, value) in _settings)
        {
            Same(m.String("options." + key), value, $"Expected the options checkpoint '{path}' was made with: TrainingOptions.{key}", CheckpointPath);
        }

        var groups = m.List("groups");
        if (groups.Count != _groups.Length)
        {
            throw Mismatch(
                Invariant.F($"Expected the {groups.Count} parameter groups checkpoint '{path}' was made with but got {_groups.Length}."), CheckpointPath);
        }

        for (int g = 0; g < groups.Count; g++)
        {
            Same(groups[g], _groups[g], Invariant.F($"Expected the parameter groups checkpoint '{path}' was made with: group {g}"), CheckpointPath);
        }

        int done = m.Int("run.epochs_done", 1);
        if (done > _options.Epochs)
        {
            throw Mismatch(
                Invariant.F($"Expected TrainingOptions.Epochs of at least the {done} epochs checkpoint '{path}' has done but got {_options.Epochs}."), CheckpointPath);
        }

        foreach (var p in _network.Parameters.Concat(_network.Buffers))
        {
            checkpoint.Tensor("network." + p.Name, p.Length);
        }
    }

    /// <summary>The data's size and a fingerprint of its values: the first 64 bits of the SHA-256 of the features and labels (or targets).</summary>
    internal static string Describe(Dataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(data.FeatureData));
        if (data.LabelArray is { } labels)
        {
            hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        }

        if (data.TargetArray is { } targets)
        {
            hash.AppendData(MemoryMarshal.AsBytes(targets.AsSpan()));
        }

        string fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset(), 0, 8);
        string outputs = data.IsClassification ? Invariant.F($"{data.ClassCount} classes") : Invariant.F($"{data.TargetCount} targets");
        return Invariant.F($"{data.Count} examples, {data.FeatureCount} features, {outputs}, values {fingerprint}");
    }

    /// <summary>
    /// A source's size and a fingerprint of <see cref="SourceSample"/> of its examples, read without scanning it: the first 64 bits
    /// of the SHA-256 of the features and labels (or targets) of examples <c>⌊i·(m − 1) / (s − 1)⌋</c>, <c>i = 0 … s − 1</c>
    /// (every example of a source of at most <c>s</c>). It tells another file of the same shape apart unless the two differ only
    /// in examples not sampled; a whole 10,000,000-row file is not read to resume a run.
    /// </summary>
    internal static string Describe(DataSource data)
    {
        int sample = Math.Min(SourceSample, data.Count);
        var indices = new int[sample];
        for (int i = 0; i < sample; i++)
        {
            indices[i] = sample == 1 ? 0 : (int)((long)i * (data.Count - 1) / (sample - 1));
        }

        var features = new float[sample * data.FeatureCount];
        var labels = new int[data.IsClassification ? sample : 0];
        var targets = new float[sample * data.TargetCount];
        data.Gather(indices, features, labels, targets);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(features.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        hash.AppendData(MemoryMarshal.AsBytes(targets.AsSpan()));
        string fingerprint = Convert.ToHexStringLower(hash.GetHashAndReset(), 0, 8);
        string outputs = data.IsClassification ? Invariant.F($"{data.ClassCount} classes") : Invariant.F($"{data.TargetCount} targets");
        return Invariant.F($"{data.Count} examples, {data.FeatureCount} features, {outputs}, {sample} sampled examples {fingerprint}");
    }

    /// <summary>The streaming order's settings as a checkpoint keeps them (they decide the order only when shuffling).</summary>
    private static string StreamingOrderText(TrainingOptions options) => options.Shuffle
        ? Invariant.F($"chunks of {options.StreamingShuffle.ChunkSize}, windows of {options.StreamingShuffle.WindowChunks} chunks")
        : "unused (no shuffle)";

    private static string RunOf(string kind) => kind == SourceKind ? "from a DataSource (Trainer.FitFromSource)" : "on a Dataset (Trainer.Fit)";

    private static string ResumeOf(string kind) => kind == SourceKind ? "Trainer.ResumeFromSource and the same source" : "Trainer.Resume and the same Dataset";

    private static ArgumentException Mismatch(string message, string paramName) => new(message, paramName);

    private static void Same(string saved, string actual, string expected, string paramName)
    {
        if (saved != actual)
        {
            throw Mismatch($"{expected} ({saved}) but got {actual}.", paramName);
        }
    }
}
