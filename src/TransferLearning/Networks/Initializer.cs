using MathNet.Numerics.Distributions;

namespace TransferLearning.Networks;

/// <summary>
/// Draws the initial weights <c>W[l]</c> of a dense layer from a seeded generator. Biases start at zero.
/// </summary>
public abstract class Initializer
{
    private protected Initializer()
    {
    }

    /// <summary>
    /// Gets He (Kaiming) normal initialisation for the ReLU family: <c>W ~ N(0, 2 / n[l-1])</c>.
    /// </summary>
    public static Initializer He { get; } = new HeInitializer();

    /// <summary>
    /// Gets Xavier (Glorot) uniform initialisation for sigmoid, tanh, softmax and identity:
    /// <c>W ~ U(−√(6 / (n[l-1] + n[l])), +√(6 / (n[l-1] + n[l])))</c>.
    /// </summary>
    public static Initializer Xavier { get; } = new XavierInitializer();

    /// <summary>Gets the initialiser's name.</summary>
    public abstract string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The initialiser named <paramref name="name"/> (<c>He</c>, <c>Xavier</c>), or <see langword="null"/>.</summary>
    internal static Initializer? FromName(string name) => name switch
    {
        "He" => He,
        "Xavier" => Xavier,
        _ => null,
    };

    /// <summary>Fills <paramref name="weights"/> (<c>fanOut × fanIn</c>, column-major) from <paramref name="random"/>.</summary>
    internal abstract void Fill(Span<float> weights, int fanIn, int fanOut, Random random);

    private sealed class HeInitializer : Initializer
    {
        public override string Name => "He";

        internal override void Fill(Span<float> weights, int fanIn, int fanOut, Random random)
        {
            double std = Math.Sqrt(2.0 / fanIn);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)Normal.Sample(random, 0, std);
            }
        }
    }

    private sealed class XavierInitializer : Initializer
    {
        public override string Name => "Xavier";

        internal override void Fill(Span<float> weights, int fanIn, int fanOut, Random random)
        {
            double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(((2 * random.NextDouble()) - 1) * limit);
            }
        }
    }
}
