namespace TransferLearning.Networks;

/// <summary>
/// A layer yet to be built: its kind and settings. Its input size and values are fixed when it is added to a
/// network (<see cref="Network.Add(LayerSpec)"/>). Make one with <see cref="Layer.Dense(int, Activation, Initializer?)"/>,
/// <see cref="Layer.Dropout(float)"/> or <see cref="Layer.BatchNorm(float, float)"/>.
/// </summary>
public abstract record LayerSpec
{
    private protected LayerSpec()
    {
    }

    /// <summary>Returns the number of outputs the layer has on top of <paramref name="inputSize"/> inputs.</summary>
    /// <param name="inputSize"><c>n[l-1]</c>.</param>
    /// <returns><c>n[l]</c>.</returns>
    public abstract int OutputSize(int inputSize);

    /// <summary>Returns the number of trainable parameters the layer has on top of <paramref name="inputSize"/> inputs.</summary>
    /// <param name="inputSize"><c>n[l-1]</c>.</param>
    /// <returns>The parameter count.</returns>
    public abstract long ParameterCount(int inputSize);

    /// <summary>Builds the layer on top of <paramref name="inputSize"/> inputs, drawing any random value from <paramref name="random"/>.</summary>
    internal abstract Layer Build(int inputSize, Random random);
}
