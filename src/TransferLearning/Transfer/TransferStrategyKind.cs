namespace TransferLearning.Transfer;

/// <summary>Which layers train on the target task.</summary>
public enum TransferStrategyKind
{
    /// <summary>Only the new layers train; every pretrained layer is frozen.</summary>
    HeadOnly,

    /// <summary>The new layers and the top k pretrained layers train.</summary>
    LastLayers,

    /// <summary>Every layer trains, starting from the pretrained weights (fine-tuning).</summary>
    FullFineTune,

    /// <summary>The head first, to convergence; then every layer at a lower rate ("LP-FT").</summary>
    TwoPhase,

    /// <summary>The same final architecture with every weight random: the baseline every transfer is measured against.</summary>
    FromScratch,
}
