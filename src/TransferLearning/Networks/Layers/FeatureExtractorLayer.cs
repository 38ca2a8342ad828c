using TransferLearning.Compute;
using TransferLearning.Serialization;

namespace TransferLearning.Networks;

/// <summary>
/// A network's first layer that runs a <see cref="FeatureExtractor"/> — a pretrained body outside this library, such
/// as an ONNX model on ONNX Runtime: <c>A[1] = f(X)</c>. It has no parameters, is always frozen (<see cref="Layer.Unfreeze"/>
/// leaves it frozen) and passes no gradient down; <see cref="Network.CreateOn(FeatureExtractor, int)"/> makes a network on it.
/// </summary>
/// <remarks>
/// A network with an extractor trains, predicts, evaluates, transfers and caches the extractor's features (they are
/// computed once per data set when the layers above train: <see cref="Training.TrainingOptions.CacheFrozenFeatures"/>);
/// a file cannot hold the extractor, so it records the extractor's <see cref="FeatureExtractor.Identity"/> and sizes,
/// and a load is given the extractor again (<c>Network.Load(path, extractor)</c>) and checks it.
/// </remarks>
public sealed class FeatureExtractorLayer : Layer
{
    /// <summary>The kind's name: <c>extractor</c>.</summary>
    internal const string KindName = "extractor";

    internal FeatureExtractorLayer(FeatureExtractor extractor)
        : base(KindName)
    {
        Extractor = extractor;
        Freeze();
    }

    /// <summary>Gets the extractor this layer runs.</summary>
    public FeatureExtractor Extractor { get; }

    /// <inheritdoc />
    public override int InputSize => Extractor.InputSize;

    /// <inheritdoc />
    public override int OutputSize => Extractor.OutputSize;

    /// <summary>Gets no parameters: the extractor's weights are not this library's to train.</summary>
    public override IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    internal override bool IsExternal => true;

    /// <summary>Gets the description with the extractor's <see cref="FeatureExtractor.Identity"/>: two extractors of one file name and size differ by it.</summary>
    internal override string CheckpointDescription => Invariant.F($"{this}, identity '{Extractor.Identity}'");

    /// <summary>Returns a layer on the same extractor (an extractor is immutable and shared).</summary>
    /// <returns>The copy.</returns>
    public override FeatureExtractorLayer Clone() => new(Extractor);

    /// <inheritdoc />
    public override FeatureExtractorSpec ToSpec() => new(Extractor);

    /// <summary>Returns a readable description, such as <c>FeatureExtractor(OnnxBody(cnn.onnx: …), 784 → 3136) [frozen]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Invariant.F($"FeatureExtractor({Extractor}, {InputSize} → {OutputSize}) [frozen]");

    /// <summary>Checks that <paramref name="inputSize"/> is the extractor's input size.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    internal static void EnsureInputSize(FeatureExtractor extractor, int inputSize, string paramName)
    {
        if (inputSize != extractor.InputSize)
        {
            throw new ArgumentException(
                Invariant.F($"Expected {extractor.InputSize} inputs (the feature extractor {extractor} takes that many) but got {inputSize}."), paramName);
        }
    }

    /// <summary>Does nothing: the extractor has no parameters of this library's.</summary>
    internal override void Reset(Random random)
    {
    }

    /// <summary>Writes <c>identity</c>, <c>output_size</c> and <c>description</c>: what a load checks the extractor it is given against (the file cannot hold the extractor itself).</summary>
    internal override void WriteSettings(LayerRecordWriter record)
    {
        record.Set("identity", Extractor.Identity);
        record.Set("output_size", OutputSize);
        record.Set("description", Extractor.ToString() ?? Extractor.GetType().Name);
    }

    /// <summary>
    /// Reads an extractor layer: the extractor must be given to the load (<see cref="Given"/>) and have the saved
    /// identity and sizes; its layer is rebuilt on it.
    /// </summary>
    internal static LayerPlan Read(LayerRecordReader record)
    {
        string identity = record.String("identity");
        int outputs = record.Int("output_size", 1, LayerRecordReader.MaxUnits);
        string description = record.String("description");
        var extractor = Given ?? throw record.Error(
            Invariant.F($"layer {record.Index} is a feature extractor that runs outside the library, {description}, and a file cannot hold it. Load the file with the overload that takes the extractor (Network.Load(path, extractor), or the same of PretrainedNetwork.Load, TransferResult.Load or Model.Load)."));
        if (extractor.Identity != identity || extractor.InputSize != record.InputSize || extractor.OutputSize != outputs)
        {
#pragma warning disable CA2208 // The argument at fault is the extractor given to Load(path, extractor), not a parameter of Read.
            throw new ArgumentException(
                Invariant.F($"Expected the feature extractor the file was saved on — {description}, identity '{identity}', {record.InputSize} → {outputs} — but got {extractor}, identity '{extractor.Identity}', {extractor.InputSize} → {extractor.OutputSize}."),
                "extractor");
#pragma warning restore CA2208
        }

        _used = true;
        return new LayerPlan(outputs, () => new FeatureExtractorLayer(extractor));
    }

    /// <summary>The extractor a load on this thread was given, for <see cref="Read"/>; <see langword="null"/> outside such a load.</summary>
    [ThreadStatic]
    private static FeatureExtractor? _given;

    /// <summary>Whether the load on this thread read an extractor layer (a file without one given an extractor is refused).</summary>
    [ThreadStatic]
    private static bool _used;

    internal static FeatureExtractor? Given => _given;

    /// <summary>Runs <paramref name="load"/> with <paramref name="extractor"/> given to any extractor layer it reads.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="extractor"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The file has no extractor layer: the extractor would be silently ignored.</exception>
    internal static T LoadingWith<T>(FeatureExtractor extractor, Func<T> load)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        var (previous, previousUsed) = (_given, _used);
        (_given, _used) = (extractor, false);
        try
        {
            var loaded = load();
            if (!_used)
            {
                throw new ArgumentException(
                    Invariant.F($"Expected a file saved on a feature extractor, as {extractor} was given, but its network has no extractor layer: load it without one."),
                    nameof(extractor));
            }

            return loaded;
        }
        finally
        {
            (_given, _used) = (previous, previousUsed);
        }
    }

    internal override LayerState CreateState(int capacity) => new ExtractorState(capacity);

    // A[1] = f(X), example after example
    internal override void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch) =>
        Extractor.Extract(input[..(InputSize * batch)], output[..(OutputSize * batch)]);

    internal override void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch) =>
        Extractor.Extract(input[..(InputSize * batch)], output[..(OutputSize * batch)]);

    // Never called: the layer is always frozen and always first, so the backward pass stops above it.
    internal override void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch) =>
        throw new InvalidOperationException("A feature extractor passes no gradient: it is always frozen and the first layer, below every layer that trains.");

    private sealed class ExtractorState(int capacity) : LayerState(capacity);
}
