namespace TransferLearning.Networks;

/// <summary>A batch-normalisation layer yet to be built (see <see cref="LayerSpec.BatchNorm(float, float)"/>).</summary>
public sealed record BatchNormSpec : LayerSpec
{
    /// <summary>Creates the specification.</summary>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1].</param>
    /// <param name="epsilon">The variance floor <c>ε</c>, positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    internal BatchNormSpec(float momentum = BatchNormLayer.DefaultMomentum, float epsilon = BatchNormLayer.DefaultEpsilon)
    {
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Gets the weight of a batch's statistics in the running ones, in (0, 1]. The default is 0.1.</summary>
    /// <value>The default is 0.1.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set outside (0, 1].</exception>
    public float Momentum
    {
        get;
        init
        {
            BatchNormLayer.ValidateMomentum(value, nameof(Momentum));
            field = value;
        }
    }

    /// <summary>Gets the variance floor <c>ε</c>.</summary>
    /// <value>The default is 1e-5.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public float Epsilon
    {
        get;
        init
        {
            Guard.Positive(value, nameof(Epsilon));
            field = value;
        }
    }

    /// <inheritdoc />
    public override int OutputSize(int inputSize) => inputSize;

    /// <summary>Returns the number of parameters on top of <paramref name="inputSize"/> features: <c>2·n</c> (<c>γ</c> and <c>β</c>).</summary>
    /// <param name="inputSize">The number of features.</param>
    /// <returns>The parameter count.</returns>
    public override long ParameterCount(int inputSize) => 2L * inputSize;

    /// <inheritdoc />
    public override string ToString() => "BatchNorm";

    internal override Layer Build(int inputSize, Random random) => BatchNormLayer.Create(inputSize, Momentum, Epsilon);
}
