using TransferLearning.Compute;
using TransferLearning.Serialization;

namespace TransferLearning.Networks.Activations;

/// <summary><c>g(z) = z</c> for <c>z &gt; 0</c>, else <c>slope · z</c>: kind <c>ReLU</c> when the slope is 0, else <c>LeakyReLU</c> with setting <c>slope</c>.</summary>
internal sealed class LeakyReluActivation(float slope)
    : Activation(slope == 0f ? "ReLU" : "LeakyReLU", slope == 0f ? [] : [new("slope", slope)])
{
    public float Slope { get; } = slope;

    public override Initializer DefaultInitializer => Initializer.He;

    internal override float FusedSlope => Slope;

    internal override bool IsAppliedByProducts => true;

    internal override string PyTorchModule => Slope == 0f ? "nn.ReLU()" : $"nn.LeakyReLU({PyTorchSequential.Float(Slope)})";

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
