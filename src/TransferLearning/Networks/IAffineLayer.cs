namespace TransferLearning.Networks;

/// <summary>
/// The capability of a layer that is <c>A = g(W·A_prev + b)</c>: a weight <c>W</c> (<c>OutputSize × InputSize</c>,
/// column-major), a bias <c>b</c> and an activation <c>g</c>. Inference packs such a layer's weights for its
/// kernels and fuses the bias (and a ReLU-family activation) into the product; any other layer runs its own
/// <see cref="Layer.Infer"/>.
/// </summary>
internal interface IAffineLayer
{
    /// <summary>Gets <c>n[l-1]</c>, the number of inputs.</summary>
    int InputSize { get; }

    /// <summary>Gets <c>n[l]</c>, the number of outputs.</summary>
    int OutputSize { get; }

    /// <summary>Gets <c>W</c>.</summary>
    Parameter Weight { get; }

    /// <summary>Gets <c>b</c>.</summary>
    Parameter Bias { get; }

    /// <summary>Gets <c>g</c>.</summary>
    Activation Activation { get; }
}
