namespace TransferLearning.Transfer;

/// <summary>Only the new layers train; every kept pretrained layer is frozen (its features are computed once per data set).</summary>
internal sealed record HeadOnlyStrategy : TransferStrategy
{
    public override string Name => "HeadOnly";

    internal override bool FreezesPretrainedLayers => true;

    internal override int TrainedPretrainedLayers(int kept) => 0;
}
