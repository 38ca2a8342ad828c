using System.Globalization;
using TransferLearning.Compute;

namespace TransferLearning.Networks.Activations;

internal sealed class LeakyReluActivation(float slope) : Activation
{
    public float Slope { get; } = slope;

    public override string Name => Slope == 0f ? "ReLU" : string.Create(CultureInfo.InvariantCulture, $"LeakyReLU({Slope})");

    public override Initializer DefaultInitializer => Initializer.He;

    internal override float FusedSlope => Slope;

    internal override bool IsAppliedByProducts => true;

    internal override void Forward(ReadOnlySpan<float> z, Span<float> a, int rows)
    {
        if (Slope == 0f)
        {
            Elementwise.Relu(z, a);
        }
        else
        {
            Elementwise.LeakyRelu(z, a, Slope);
        }
    }

    internal override void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows) =>
        Elementwise.LeakyReluBackward(z, dA, dZ, Slope);
}
