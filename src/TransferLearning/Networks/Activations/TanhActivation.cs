using System.Numerics.Tensors;
using TransferLearning.Compute;

namespace TransferLearning.Networks.Activations;

internal sealed class TanhActivation() : Activation("Tanh")
{
    internal override void Forward(ReadOnlySpan<float> z, Span<float> a, int rows) => TensorPrimitives.Tanh(z, a);

    internal override void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows) =>
        Elementwise.TanhBackward(a, dA, dZ);
}
