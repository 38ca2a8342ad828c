namespace TransferLearning.Networks;

/// <summary>
/// A layer yet to be built: its kind and settings. Its input size and values are fixed when it is added to a
/// network (<see cref="Network.Add(LayerSpec)"/>). Make one with <see cref="Dense(int, Activation, Initializer?)"/>,
/// <see cref="Dropout(float)"/> or <see cref="BatchNorm(float, float)"/>
/// (<c>NewLayers = [LayerSpec.Dense(10, Activation.Softmax)]</c>).
/// </summary>
public abstract record LayerSpec
{
    private protected LayerSpec()
    {
    }

    /// <summary>A dense layer of <paramref name="units"/> units, yet to be built.</summary>
    /// <param name="units"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="initializer">The initialiser, or <see langword="null"/> (the default) for the activation's default.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> is <see langword="null"/>.</exception>
    public static DenseSpec Dense(int units, Activation activation, Initializer? initializer = null) => new(units, activation, initializer);

    /// <summary>An inverted-dropout layer that zeroes each value with probability <paramref name="rate"/> in training, yet to be built.</summary>
    /// <param name="rate">The drop probability <c>p</c>, in [0, 1).</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    public static DropoutSpec Dropout(float rate)
    {
        Guard.InRange(rate, 0f, 1f, nameof(rate));
        return new(rate);
    }

    /// <summary>A batch-normalisation layer over the features, yet to be built.</summary>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1]. The default is 0.1.</param>
    /// <param name="epsilon">The variance floor <c>ε</c>, positive. The default is 1e-5.</param>
    /// <returns>The specification.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static BatchNormSpec BatchNorm(float momentum = BatchNormLayer.DefaultMomentum, float epsilon = BatchNormLayer.DefaultEpsilon)
    {
        BatchNormLayer.ValidateMomentum(momentum, nameof(momentum));
        Guard.Positive(epsilon, nameof(epsilon));
        return new(momentum, epsilon);
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
