namespace TransferLearning.Deployment;

/// <summary>What a <see cref="Model"/>'s outputs mean.</summary>
public enum ModelTask
{
    /// <summary>
    /// Classification: the outputs are class probabilities — a softmax over one unit per class, or, for two classes,
    /// one sigmoid unit giving <c>P(class 1)</c>. A prediction names the most probable class.
    /// </summary>
    Classification = 0,

    /// <summary>Regression: the outputs are the predicted targets, one per output unit.</summary>
    Regression = 1,
}
