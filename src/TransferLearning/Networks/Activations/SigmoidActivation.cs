using System.Numerics.Tensors;
using TransferLearning.Compute;

namespace TransferLearning.Networks.Activations;

internal sealed class SigmoidActivation() : Activation("Sigmoid")
{
    internal override void Forward(ReadOnlySpan<float> z, Span<float> a, int rows) => TensorPrimitives.Sigmoid(z, a);

    internal override void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows) =>
        Elementwise.SigmoidBackward(a, dA, dZ);
}
