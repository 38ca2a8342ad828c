using System.Numerics.Tensors;
using TransferLearning.Compute;
using TransferLearning.Networks;

namespace TransferLearning.Tests.Networks.ToyKind;

/// <summary>
/// A test-only fourth layer kind, written as <c>LayerKinds</c> says a kind is added: this one file (the layer, its
/// spec and its reader) plus one registration line (<see cref="Register"/>). <c>y = a·x</c> with one trained
/// parameter <c>a</c> (named <c>scale</c>, starting at <see cref="ScaleSpec.Initial"/>).
/// </summary>
/// <remarks>Backward, for <c>m</c> columns: <c>da = (1/m)·Σ dy ⊙ x</c>, <c>dx = a·dy</c>.</remarks>
internal sealed class ScaleLayer : Layer
{
    public const string KindName = "scale";

    private ScaleLayer(int size, float initial, Parameter scale)
        : base(KindName)
    {
        InputSize = size;
        Initial = initial;
        Scale = scale;
        Parameters = [scale];
    }

    public override int InputSize { get; }

    public override int OutputSize => InputSize;

    public float Initial { get; }

    public Parameter Scale { get; }

    public override IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The one registration line.</summary>
    public static void Register() => LayerKinds.Register(KindName, Read);

    public static ScaleLayer Create(int size, float initial) => new(size, initial, new Parameter("scale", 1, 1, [initial]));

    public override ScaleLayer Clone() => new(InputSize, Initial, Scale.Clone());

    public override ScaleSpec ToSpec() => new(Initial);

    internal override void Reset(Random random) => Scale.Data[0] = Initial;

    public override string ToString() => Invariant.F($"Scale({InputSize}, a = {Scale.Data[0]})");

    internal static LayerPlan Read(LayerRecordReader record)
    {
        float initial = record.Float("initial");
        int size = record.InputSize;
        var scale = record.Tensor("scale", 1);
        return new LayerPlan(size, () =>
        {
            var layer = Create(size, initial);
            layer.Scale.Data[0] = scale()[0];
            return layer;
        });
    }

    internal override void WriteSettings(LayerRecordWriter record) => record.Set("initial", Initial);

    internal override LayerState CreateState(int capacity) => new ScaleState(capacity);

    internal override void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch) =>
        TensorPrimitives.Multiply(input[..(InputSize * batch)], Scale.Data[0], output);

    internal override void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch) =>
        Infer(backend, input, output, [], batch);

    internal override void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch)
    {
        int size = InputSize * batch;
        if (!Scale.IsFrozen)
        {
            Scale.Gradient[0] = TensorPrimitives.Dot(dOutput[..size], input[..size]) / batch;
        }

        if (!dInput.IsEmpty)
        {
            TensorPrimitives.Multiply(dOutput[..size], Scale.Data[0], dInput[..size]);
        }
    }

    private sealed class ScaleState(int capacity) : LayerState(capacity);
}

/// <summary>A <see cref="ScaleLayer"/> yet to be built, starting at <paramref name="Initial"/>.</summary>
internal sealed record ScaleSpec(float Initial) : LayerSpec
{
    public override int OutputSize(int inputSize) => inputSize;

    public override long ParameterCount(int inputSize) => 1;

    internal override Layer Build(int inputSize, Random random) => ScaleLayer.Create(inputSize, Initial);
}
