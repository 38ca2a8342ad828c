namespace TransferLearning.Networks;

/// <summary>
/// The specification of a <see cref="FeatureExtractorLayer"/>: the extractor itself (it has no weights of this
/// library's to draw). Made by <see cref="FeatureExtractorLayer.ToSpec"/>; the first layer of a network only.
/// </summary>
public sealed record FeatureExtractorSpec : LayerSpec
{
    internal FeatureExtractorSpec(FeatureExtractor extractor)
    {
        Extractor = extractor;
    }

    /// <summary>Gets the extractor.</summary>
    public FeatureExtractor Extractor { get; }

    /// <summary>Returns the extractor's <see cref="FeatureExtractor.OutputSize"/>.</summary>
    /// <param name="inputSize">The extractor's <see cref="FeatureExtractor.InputSize"/>.</param>
    /// <returns>The output size.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputSize"/> differs from the extractor's input size.</exception>
    public override int OutputSize(int inputSize)
    {
        FeatureExtractorLayer.EnsureInputSize(Extractor, inputSize, nameof(inputSize));
        return Extractor.OutputSize;
    }

    /// <summary>Returns 0: the extractor has no parameter this library trains.</summary>
    /// <param name="inputSize">The input size (unused).</param>
    /// <returns>0.</returns>
    public override long ParameterCount(int inputSize) => 0;

    /// <inheritdoc />
    public override string ToString() => Invariant.F($"FeatureExtractor({Extractor})");

    internal override Layer Build(int inputSize, Random random)
    {
        FeatureExtractorLayer.EnsureInputSize(Extractor, inputSize, nameof(inputSize));
        return new FeatureExtractorLayer(Extractor);
    }
}
