namespace TransferLearning.Transfer;

/// <summary>The new layers and the top k pretrained layers train; the layers below stay frozen.</summary>
/// <param name="K">How many pretrained layers train, at least 1.</param>
internal sealed record LastLayersStrategy(int K) : TransferStrategy
{
    public override string Name => Invariant.F($"LastLayers({K})");

    internal override bool FreezesPretrainedLayers => true;

    internal override int TrainedPretrainedLayers(int kept) => Math.Min(K, kept);

    internal override void EnsureFits(int kept, string removedDescription, string paramName)
    {
        if (K > kept)
        {
            throw new ArgumentOutOfRangeException(
                paramName, K, Invariant.F($"Expected LastLayers(k) with k ≤ {kept} (the pretrained layers kept after {removedDescription}) but got k = {K}."));
        }
    }
}
