namespace TransferLearning.Networks;

/// <summary>
/// A pretrained body that runs outside this library and never trains — such as an ONNX model cut below its head,
/// run by ONNX Runtime (<c>TransferLearning.OnnxRuntime</c>'s <c>OnnxBody</c>): raw examples in, features out.
/// <see cref="Network.CreateOn(FeatureExtractor, int)"/> puts one at the bottom of a network, as its first layer
/// (a <see cref="FeatureExtractorLayer"/>, always frozen), so that layers of this library train on its features and
/// <see cref="Transfer.TransferPipeline"/> transfers from it as from any pretrained network.
/// </summary>
/// <remarks>
/// <para>
/// An implementation maps each example <c>x</c> (<see cref="InputSize"/> values) to its features
/// <c>f(x)</c> (<see cref="OutputSize"/> values), deterministically (the same example gives the same features, so
/// that a cached feature equals a computed one), and may be called from several threads at once (prediction splits
/// large batches between the cores).
/// </para>
/// <para>
/// A network on an extractor is saved without it — the file records its <see cref="Identity"/> and sizes — and loaded
/// back with it given again (<c>Network.Load(path, extractor)</c>, and the same overload of <c>PretrainedNetwork.Load</c>,
/// <c>TransferResult.Load</c> and <c>Model.Load</c>), which checks that it is the same.
/// </para>
/// <para>
/// Gradients do not flow through it: the library never computes <c>∂f/∂x</c> or changes <c>f</c>. A transfer
/// therefore offers no strategy that would train it (<see cref="Transfer.TransferStrategy.FullFineTune"/>,
/// <see cref="Transfer.TransferStrategy.TwoPhase"/>), and its <see cref="Transfer.TransferStrategy.FromScratch"/>
/// baseline trains <see cref="Transfer.TransferOptions.FromScratchBody"/> on the raw inputs in its place.
/// </para>
/// </remarks>
public abstract class FeatureExtractor
{
    /// <summary>Initializes a new instance of the <see cref="FeatureExtractor"/> class.</summary>
    protected FeatureExtractor()
    {
    }

    /// <summary>Gets <c>n_x</c>, the number of raw values per example, at least 1.</summary>
    public abstract int InputSize { get; }

    /// <summary>Gets the number of features per example, at least 1.</summary>
    public abstract int OutputSize { get; }

    /// <summary>
    /// Gets what identifies the extractor's function, so that a saved network on it is loaded back only on the same
    /// one: a file records it, and a load that is given an extractor (<c>Network.Load(path, extractor)</c>) refuses one
    /// with another identity, as does resuming a checkpoint. It must change whenever the features would: a digest of the
    /// weights and settings (as <c>OnnxBody</c>'s: the model file's SHA-256, the cut and the preprocessing). There is no
    /// default: a type name and sizes would let another body of the same shape load silently.
    /// </summary>
    public abstract string Identity { get; }

    /// <summary>Computes the features of examples given one after the other.</summary>
    /// <param name="examples">The examples, <see cref="InputSize"/> values each, one after the other (a whole number of examples).</param>
    /// <param name="features">Receives <see cref="OutputSize"/> features per example, in the same order: exactly that many values.</param>
    /// <exception cref="ArgumentException">The lengths do not fit <see cref="InputSize"/> and <see cref="OutputSize"/> (an implementation says which).</exception>
    public abstract void Extract(ReadOnlySpan<float> examples, Span<float> features);
}
