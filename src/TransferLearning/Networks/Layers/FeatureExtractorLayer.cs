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
/// the library's files cannot hold the extractor, so saving such a network is refused (<see cref="NotSupportedException"/>).
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

    /// <summary>Refuses: a file of this library's cannot hold an extractor that runs outside it.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    internal override void WriteSettings(LayerRecordWriter record) =>
        throw new NotSupportedException(
            Invariant.F($"Expected a network of this library's layers to save, but its first layer runs {Extractor}, outside the library, and a file of the library's format cannot hold it. Save the layers above it (a network on its {OutputSize} features) and put the extractor under them again when you load them, or export the whole model to ONNX."));

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
