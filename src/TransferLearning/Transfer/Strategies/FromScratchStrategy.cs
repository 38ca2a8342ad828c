using TransferLearning.Networks;

namespace TransferLearning.Transfer;

/// <summary>The baseline: the same final architecture with every weight random (from <see cref="TransferOptions.Seed"/>), every layer training at the full rate.</summary>
internal sealed record FromScratchStrategy : TransferStrategy
{
    public override string Name => "FromScratch";

    internal override bool FreezesPretrainedLayers => false;

    internal override bool UsesPretrainedWeights => false;

    internal override int TrainedPretrainedLayers(int kept) => kept;

    internal override Network Build(TransferSetup setup) => setup.FreshCopy();
}
