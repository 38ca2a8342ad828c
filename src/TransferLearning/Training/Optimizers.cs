namespace TransferLearning.Training;

/// <summary>Short factories for the optimiser settings: <c>Optimizers.Adam(1e-3)</c>, <c>Optimizers.Sgd(0.01, momentum: 0.9)</c>.</summary>
public static class Optimizers
{
    /// <summary>Adam with the given learning rate and the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.</summary>
    /// <param name="learningRate">The learning rate; finite and &gt; 0. The default is 1e-3.</param>
    /// <param name="weightDecay">L2 weight decay, ≥ 0. The default is 0.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static AdamOptions Adam(float learningRate = 1e-3f, float weightDecay = 0f) =>
        new() { LearningRate = learningRate, WeightDecay = weightDecay };

    /// <summary>SGD, optionally with (Nesterov) momentum.</summary>
    /// <param name="learningRate">The learning rate; finite and &gt; 0.</param>
    /// <param name="momentum">The momentum, in [0, 1). The default is 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum. The default is <see langword="false"/>.</param>
    /// <param name="weightDecay">L2 weight decay, ≥ 0. The default is 0.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static SgdOptions Sgd(float learningRate, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) =>
        new() { LearningRate = learningRate, Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay };
}
