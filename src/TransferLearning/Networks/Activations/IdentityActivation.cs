namespace TransferLearning.Networks.Activations;

internal sealed class IdentityActivation() : Activation("Identity")
{

    internal override bool IsAppliedByProducts => true;

    internal override string? PyTorchModule => null;

    internal override void Forward(ReadOnlySpan<float> z, Span<float> a, int rows) => z.CopyTo(a);

    internal override void Backward(ReadOnlySpan<float> z, ReadOnlySpan<float> a, ReadOnlySpan<float> dA, Span<float> dZ, int rows) =>
        dA.CopyTo(dZ);
}
