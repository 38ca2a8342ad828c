namespace TransferLearning.Transfer;

/// <summary>Every layer trains, starting from the pretrained weights (the pretrained ones at <see cref="TransferOptions.PretrainedLearningRateScale"/> × the rate).</summary>
internal sealed record FullFineTuneStrategy : TransferStrategy
{
    public override string Name => "FullFineTune";

    internal override bool FreezesPretrainedLayers => false;

    internal override int TrainedPretrainedLayers(int kept) => kept;
}
