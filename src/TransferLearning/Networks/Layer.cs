namespace TransferLearning.Networks;

/// <summary>Factories for layers yet to be built: <c>Layer.Dense(10, Activation.Softmax)</c>.</summary>
public static class Layer
{
    /// <summary>A dense layer of <paramref name="units"/> units.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser, or <see langword="null"/> (the default) for the activation's default.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    public static LayerSpec Dense(int units, Activation activation, Initializer? initializer = null) => new(units, activation, initializer);
}
