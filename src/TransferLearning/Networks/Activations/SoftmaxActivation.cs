using TransferLearning.Compute;

namespace TransferLearning.Networks.Activations;

internal sealed class SoftmaxActivation() : Activation("Softmax")
{
    public override bool IsOutputOnly => true;

    internal override bool IsSoftmax => true;

    internal override string PyTorchModule => "nn.Softmax(dim=1)";

    internal override void Forward(ReadOnlySpan<float> z, Span<float> a, int rows) => Elementwise.Softmax(z, a, rows);

    internal override void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows) =>
        Elementwise.SoftmaxBackward(a, dA, dZ, rows);
}
