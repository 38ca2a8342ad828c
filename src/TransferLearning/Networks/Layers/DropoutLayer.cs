using TransferLearning.Compute;
using TransferLearning.Serialization;

namespace TransferLearning.Networks;

/// <summary>
/// Inverted dropout: in training, each value is kept with probability <c>1 − p</c> and scaled by
/// <c>1/(1 − p)</c>, or set to 0; at inference (and when frozen) the layer passes its input through.
/// </summary>
/// <remarks>
/// <para>
/// Forward in training: <c>A = M ⊙ A_prev</c> with <c>M_ij = 1/(1 − p)</c> with probability <c>1 − p</c>, else 0,
/// so that the expected value of every output equals its input. Backward: <c>dA_prev = M ⊙ dA</c>.
/// </para>
/// <para>
/// The masks come from a xoshiro256** generator seeded with <see cref="Seed"/> (drawn from the network's seed
/// when the layer is added): every training run starts the same sequence of masks, so the same network,
/// data and options give the same weights.
/// </para>
/// </remarks>
public sealed class DropoutLayer : Layer
{
    /// <summary>The kind's name in files: <c>dropout</c>.</summary>
    internal const string KindName = "dropout";

    private DropoutLayer(int size, float rate, int seed)
        : base(KindName)
    {
        InputSize = size;
        Rate = rate;
        Seed = seed;
    }

    /// <inheritdoc />
    public override int InputSize { get; }

    /// <inheritdoc />
    public override int OutputSize => InputSize;

    /// <summary>Gets the drop probability <c>p</c>, in [0, 1).</summary>
    public float Rate { get; }

    /// <summary>Gets the seed of the mask generator.</summary>
    public int Seed { get; }

    /// <summary>Gets no parameters: dropout has none.</summary>
    public override IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    internal override bool IsIdentityAtInference => true;

    /// <summary>Gets <c>nn.Dropout(rate)</c>.</summary>
    internal override IReadOnlyList<string> PyTorchModules => [$"nn.Dropout({PyTorchSequential.Float(Rate)})"];

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="size">The number of inputs (and outputs), at least 1.</param>
    /// <param name="rate">The drop probability <c>p</c>, in [0, 1).</param>
    /// <param name="seed">The seed of the mask generator.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1, or <paramref name="rate"/> is outside [0, 1) or NaN.</exception>
    internal static DropoutLayer Create(int size, float rate, int seed)
    {
        Guard.AtLeast(size, 1, nameof(size));
        Guard.InRange(rate, 0f, 1f, nameof(rate));
        return new DropoutLayer(size, rate, seed);
    }

    /// <inheritdoc />
    public override DropoutLayer Clone() => WithFreezingOf(new DropoutLayer(InputSize, Rate, Seed));

    /// <inheritdoc />
    public override DropoutSpec ToSpec() => new(Rate);

    /// <summary>Returns a readable description, such as <c>Dropout(512, p = 0.5)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Invariant.F($"Dropout({InputSize}, p = {Rate}){(IsFrozen ? " [frozen]" : string.Empty)}");

    /// <summary>Does nothing: dropout has no parameters, and its mask seed stays (no value is drawn).</summary>
    internal override void Reset(Random random)
    {
    }

    /// <summary>Reads a dropout layer: settings <c>rate</c>, <c>seed</c> and <c>frozen</c>; no tensor.</summary>
    internal static LayerPlan Read(LayerRecordReader record)
    {
        float rate = record.Float("rate");
        if (!(rate >= 0f && rate < 1f))
        {
            throw record.Error(Invariant.F($"metadata '{record.KeyOf("rate")}' is {rate}; expected a rate in [0, 1)."));
        }

        int seed = record.Int("seed");
        bool frozen = record.Bool("frozen");
        int inputs = record.InputSize;
        return new LayerPlan(inputs, () =>
        {
            var layer = Create(inputs, rate, seed);
            if (frozen)
            {
                layer.Freeze();
            }

            return layer;
        });
    }

    /// <summary>Writes <c>rate</c>, <c>seed</c> and <c>frozen</c> (a layer without parameters keeps its freezing here).</summary>
    internal override void WriteSettings(LayerRecordWriter record)
    {
        record.Set("rate", Rate);
        record.Set("seed", Seed);
        record.Set("frozen", IsFrozen);
    }

    internal override LayerState CreateState(int capacity) => new DropoutState(capacity, InputSize, Seed);

    // A = A_prev
    internal override void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch) =>
        input[..(InputSize * batch)].CopyTo(output);

    // A = M ⊙ A_prev, M_ij ∈ {0, 1/(1 − p)}
    internal override void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch)
    {
        var dropout = (DropoutState)state;
        int size = InputSize * batch;
        var mask = dropout.Mask.AsSpan(0, size);
        if (IsFrozen || Rate == 0f)
        {
            mask.Fill(1f);
        }
        else
        {
            float keep = 1f / (1f - Rate);
            var random = dropout.Random;
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = random.NextDouble() < Rate ? 0f : keep;
            }
        }

        System.Numerics.Tensors.TensorPrimitives.Multiply(input[..size], mask, output[..size]);
    }

    // dA_prev = M ⊙ dA
    internal override void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch)
    {
        if (!dInput.IsEmpty)
        {
            int size = InputSize * batch;
            System.Numerics.Tensors.TensorPrimitives.Multiply(dOutput[..size], ((DropoutState)state).Mask.AsSpan(0, size), dInput[..size]);
        }
    }

    private sealed class DropoutState(int capacity, int rows, int seed) : LayerState(capacity)
    {
        public float[] Mask { get; } = new float[rows * capacity];

        public override ResumableRandom Random { get; } = new(seed);
    }
}
