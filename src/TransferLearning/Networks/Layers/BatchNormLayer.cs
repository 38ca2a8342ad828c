using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Serialization;

namespace TransferLearning.Networks;

/// <summary>
/// Batch normalisation over the features: each row (feature) is normalised over the examples of the
/// mini-batch, then scaled and shifted by learned <c>γ</c> and <c>β</c>.
/// </summary>
/// <remarks>
/// <para>
/// Training, for feature <c>i</c> over the <c>m</c> columns of a batch: <c>μ_i = (1/m)·Σ_j x_ij</c>,
/// <c>σ²_i = (1/m)·Σ_j (x_ij − μ_i)²</c>, <c>x̂_ij = (x_ij − μ_i)/√(σ²_i + ε)</c>, <c>y_ij = γ_i·x̂_ij + β_i</c>;
/// the running statistics move towards the batch's: <c>μ_run ← (1 − momentum)·μ_run + momentum·μ</c>,
/// <c>σ²_run ← (1 − momentum)·σ²_run + momentum·σ²·m/(m − 1)</c> (PyTorch's convention). A batch of one
/// column has no variance to normalise by: it is normalised with the running statistics, which it leaves as
/// they are, while <c>γ</c> and <c>β</c> still train. Backward: <c>dγ_i = (1/m)·Σ_j dy_ij·x̂_ij</c>, <c>dβ_i = (1/m)·Σ_j dy_ij</c>,
/// <c>dx_ij = (γ_i/(m·√(σ²_i + ε)))·(m·dy_ij − Σ_k dy_ik − x̂_ij·Σ_k dy_ik·x̂_ik)</c>.
/// </para>
/// <para>
/// At inference — and in training when the layer is frozen — it uses the running statistics,
/// <c>y = γ·(x − μ_run)/√(σ²_run + ε) + β</c>, and leaves them unchanged: a frozen batch-normalisation layer
/// keeps the statistics it was pretrained with, so the features above it do not drift.
/// </para>
/// </remarks>
public sealed class BatchNormLayer : Layer
{
    /// <summary>The default momentum, 0.1 (PyTorch's).</summary>
    public const float DefaultMomentum = 0.1f;

    /// <summary>The default variance floor <c>ε</c>, 1e-5.</summary>
    public const float DefaultEpsilon = 1e-5f;

    /// <summary>The kind's name in files: <c>batchnorm</c>.</summary>
    internal const string KindName = "batchnorm";

    private static readonly string[] TensorNames = ["weight", "bias", "running_mean", "running_var"];

    private BatchNormLayer(Parameter scale, Parameter shift, Parameter runningMean, Parameter runningVariance, float momentum, float epsilon)
        : base(KindName)
    {
        Scale = scale;
        Shift = shift;
        RunningMean = runningMean;
        RunningVariance = runningVariance;
        Momentum = momentum;
        Epsilon = epsilon;
        Parameters = [scale, shift];
        Buffers = [runningMean, runningVariance];
    }

    /// <inheritdoc />
    public override int InputSize => Scale.Rows;

    /// <inheritdoc />
    public override int OutputSize => Scale.Rows;

    /// <summary>Gets the learned scale <c>γ</c> (named <c>weight</c>, as in PyTorch), one per feature; it starts at 1.</summary>
    public Parameter Scale { get; }

    /// <summary>Gets the learned shift <c>β</c> (named <c>bias</c>), one per feature; it starts at 0.</summary>
    public Parameter Shift { get; }

    /// <summary>Gets the running mean <c>μ_run</c> (named <c>running_mean</c>), one per feature; it starts at 0. Never trained by an optimiser.</summary>
    public Parameter RunningMean { get; }

    /// <summary>Gets the running variance <c>σ²_run</c> (named <c>running_var</c>), one per feature; it starts at 1. Never trained by an optimiser.</summary>
    public Parameter RunningVariance { get; }

    /// <summary>Gets the weight of a batch's statistics in the running ones, in (0, 1].</summary>
    public float Momentum { get; }

    /// <summary>Gets the variance floor <c>ε</c>.</summary>
    public float Epsilon { get; }

    /// <summary>Gets the parameters: <see cref="Scale"/> then <see cref="Shift"/>.</summary>
    public override IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Gets the buffers: <see cref="RunningMean"/> then <see cref="RunningVariance"/>.</summary>
    public override IReadOnlyList<Parameter> Buffers { get; }

    /// <summary>Creates a batch-normalisation layer with <c>γ = 1</c>, <c>β = 0</c>, <c>μ_run = 0</c>, <c>σ²_run = 1</c>.</summary>
    /// <param name="size">The number of features, at least 1.</param>
    /// <param name="momentum">The weight of a batch's statistics in the running ones, in (0, 1]. The default is 0.1.</param>
    /// <param name="epsilon">The variance floor <c>ε</c>, positive and finite. The default is 1e-5.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    internal static BatchNormLayer Create(int size, float momentum = DefaultMomentum, float epsilon = DefaultEpsilon)
    {
        Guard.AtLeast(size, 1, nameof(size));
        ValidateMomentum(momentum, nameof(momentum));
        Guard.Positive(epsilon, nameof(epsilon));
        var ones = new float[size];
        Array.Fill(ones, 1f);
        var runningVariance = (float[])ones.Clone();
        return new BatchNormLayer(
            new Parameter("weight", size, 1, ones),
            new Parameter("bias", size, 1, new float[size]),
            new Parameter("running_mean", size, 1, new float[size]) { IsFrozen = true },
            new Parameter("running_var", size, 1, runningVariance) { IsFrozen = true },
            momentum,
            epsilon);
    }

    /// <inheritdoc />
    public override BatchNormLayer Clone() =>
        new(Scale.Clone(), Shift.Clone(), RunningMean.Clone(), RunningVariance.Clone(), Momentum, Epsilon);

    /// <inheritdoc />
    public override BatchNormSpec ToSpec() => new(Momentum, Epsilon);

    /// <summary>Returns a readable description, such as <c>BatchNorm(512) [1,024 params, frozen]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        Invariant.F($"BatchNorm({InputSize}) [{ParameterCount:N0} params{(IsFrozen ? ", frozen" : string.Empty)}]");

    /// <summary>Gets <c>nn.BatchNorm1d(n, eps=ε, momentum=momentum)</c>.</summary>
    internal override IReadOnlyList<string> PyTorchModules =>
        [Invariant.F($"nn.BatchNorm1d({InputSize}, eps={PyTorchSequential.Float(Epsilon)}, momentum={PyTorchSequential.Float(Momentum)})")];

    /// <summary>Gets <see langword="true"/>: PyTorch's module counts its training batches in <c>num_batches_tracked</c>.</summary>
    internal override bool HasPyTorchBatchCounter => true;

    /// <summary>Resets <c>γ = 1</c>, <c>β = 0</c>, <c>μ_run = 0</c>, <c>σ²_run = 1</c> (nothing is drawn).</summary>
    internal override void Reset(Random random)
    {
        Array.Fill(Scale.Data, 1f);
        Array.Clear(Shift.Data);
        Array.Clear(RunningMean.Data);
        Array.Fill(RunningVariance.Data, 1f);
    }

    /// <summary>Reads a batch-normalisation layer: settings <c>momentum</c> and <c>epsilon</c>; tensors <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, each <c>[n]</c>.</summary>
    internal static LayerPlan Read(LayerRecordReader record)
    {
        float momentum = record.Float("momentum");
        float epsilon = record.Float("epsilon");
        if (!(momentum > 0f && momentum <= 1f) || !(epsilon > 0f))
        {
            throw record.Error(Invariant.F($"layer {record.Index}: momentum {momentum} must be in (0, 1] and epsilon {epsilon} positive."));
        }

        int inputs = record.InputSize;
        Func<float[]>[] tensors = [.. TensorNames.Select(n => record.Tensor(n, inputs))];
        return new LayerPlan(inputs, () =>
        {
            var layer = Create(inputs, momentum, epsilon);
            Parameter[] targets = [layer.Scale, layer.Shift, layer.RunningMean, layer.RunningVariance];
            for (int k = 0; k < targets.Length; k++)
            {
                var values = tensors[k]();
                if (layer.CheckValues(targets[k], values) is string problem)
                {
                    throw record.Error(Invariant.F($"tensor '{record.KeyOf(targets[k].LocalName)}' {problem}."));
                }

                targets[k].SetValues(Matrix<float>.Build.Dense(inputs, 1, values));
            }

            return layer;
        });
    }

    /// <summary>Writes <c>momentum</c> and <c>epsilon</c>.</summary>
    internal override void WriteSettings(LayerRecordWriter record)
    {
        record.Set("momentum", Momentum);
        record.Set("epsilon", Epsilon);
    }

    /// <summary>A running variance must not be negative (its square root would be NaN).</summary>
    internal override string? CheckValues(Parameter target, ReadOnlySpan<float> values) =>
        target == RunningVariance && values.IndexOfAnyInRange(float.MinValue, -float.Epsilon) is int at and >= 0
            ? Invariant.F($"holds the negative variance {values[at]} at element {at}")
            : null;

    internal static void ValidateMomentum(float momentum, string paramName)
    {
        if (!(momentum > 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(paramName, momentum, Invariant.F($"Expected a momentum in (0, 1] but got {momentum}."));
        }
    }

    internal override LayerState CreateState(int capacity) => new BatchNormState(capacity, InputSize);

    // y = γ·(x − μ_run)/√(σ²_run + ε) + β
    internal override void Infer(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int batch)
    {
        Span<float> invStd = InputSize <= 1024 ? stackalloc float[InputSize] : new float[InputSize];
        RunningInverseStd(invStd);
        ApplyRunning(input, output, invStd, batch);
    }

    internal override void Forward(ComputeBackend backend, ReadOnlySpan<float> input, Span<float> output, LayerState state, int batch)
    {
        var s = (BatchNormState)state;
        int n = InputSize;
        s.UsedBatchStatistics = !IsFrozen && batch > 1;
        if (!s.UsedBatchStatistics)
        {
            // Frozen, or a batch of one column (its variance is 0, so x̂ would be 0 and the input lost): the running
            // statistics normalise, as at inference, and stay as they are. An unfrozen γ and β still learn from
            // x̂ = (x − μ_run)/√(σ²_run + ε), kept for the backward pass.
            RunningInverseStd(s.InvStd);
            if (IsFrozen)
            {
                ApplyRunning(input, output, s.InvStd, batch);
                return;
            }

            for (int j = 0; j < batch; j++)
            {
                var x = s.XHat.AsSpan(j * n, n);
                TensorPrimitives.Subtract(input.Slice(j * n, n), RunningMean.Data, x);
                TensorPrimitives.Multiply(x, s.InvStd, x);
                TensorPrimitives.MultiplyAdd(x, Scale.Data, Shift.Data, output.Slice(j * n, n));
            }

            return;
        }

        // μ and σ² of each row over the batch's columns.
        var mean = s.Mean.AsSpan();
        var variance = s.InvStd.AsSpan();
        mean.Clear();
        variance.Clear();
        for (int j = 0; j < batch; j++)
        {
            TensorPrimitives.Add(mean, input.Slice(j * n, n), mean);
        }

        TensorPrimitives.Multiply(mean, 1f / batch, mean);
        var xHat = s.XHat.AsSpan(0, n * batch);
        for (int j = 0; j < batch; j++)
        {
            var centred = xHat.Slice(j * n, n);
            TensorPrimitives.Subtract(input.Slice(j * n, n), mean, centred);
            TensorPrimitives.MultiplyAdd(centred, centred, variance, variance);
        }

        TensorPrimitives.Multiply(variance, 1f / batch, variance);
        if (batch > 1)
        {
            // μ_run ← (1 − momentum)·μ_run + momentum·μ;  σ²_run ← (1 − momentum)·σ²_run + momentum·σ²·m/(m − 1)
            Blend(RunningMean.Data, mean, Momentum, 1f);
            Blend(RunningVariance.Data, variance, Momentum, batch / (batch - 1f));
            RunningMean.MarkChanged();
            RunningVariance.MarkChanged();
        }

        // 1/√(σ² + ε), in place of σ²
        var invStd = variance;
        TensorPrimitives.Add(invStd, Epsilon, invStd);
        TensorPrimitives.ReciprocalSqrt(invStd, invStd);

        // x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
        for (int j = 0; j < batch; j++)
        {
            var x = xHat.Slice(j * n, n);
            TensorPrimitives.Multiply(x, invStd, x);
            TensorPrimitives.MultiplyAdd(x, Scale.Data, Shift.Data, output.Slice(j * n, n));
        }
    }

    internal override void Backward(
        ComputeBackend backend, ReadOnlySpan<float> input, ReadOnlySpan<float> output, Span<float> dOutput, Span<float> dInput, LayerState state, int batch)
    {
        var s = (BatchNormState)state;
        int n = InputSize;
        // Σ_j dy_ij and Σ_j dy_ij·x̂_ij per row (x̂ is kept unless the layer is frozen).
        var sumDy = s.Mean.AsSpan();
        var sumDyXHat = s.SumDyXHat.AsSpan();
        float invM = 1f / batch;
        if (!IsFrozen)
        {
            sumDy.Clear();
            sumDyXHat.Clear();
            var xHat = s.XHat.AsSpan(0, n * batch);
            for (int j = 0; j < batch; j++)
            {
                var dy = dOutput.Slice(j * n, n);
                TensorPrimitives.Add(sumDy, dy, sumDy);
                TensorPrimitives.MultiplyAdd(dy, xHat.Slice(j * n, n), sumDyXHat, sumDyXHat);
            }

            if (!Scale.IsFrozen)
            {
                TensorPrimitives.Multiply(sumDyXHat, invM, Scale.Gradient); // dγ = (1/m)·Σ dy·x̂
            }

            if (!Shift.IsFrozen)
            {
                TensorPrimitives.Multiply(sumDy, invM, Shift.Gradient); // dβ = (1/m)·Σ dy
            }
        }

        var gain = s.Gain.AsSpan();
        TensorPrimitives.Multiply(Scale.Data, s.InvStd, gain);
        if (!s.UsedBatchStatistics)
        {
            // Running statistics are constants: dx = dy·γ/√(σ²_run + ε).
            for (int j = 0; j < batch && !dInput.IsEmpty; j++)
            {
                TensorPrimitives.Multiply(dOutput.Slice(j * n, n), gain, dInput.Slice(j * n, n));
            }

            return;
        }

        if (dInput.IsEmpty)
        {
            return;
        }

        // dx = (γ/√(σ² + ε))·(dy − (1/m)·Σ dy − x̂·(1/m)·Σ dy·x̂)
        TensorPrimitives.Multiply(sumDy, invM, sumDy);
        TensorPrimitives.Multiply(sumDyXHat, invM, sumDyXHat);
        for (int j = 0; j < batch; j++)
        {
            var dx = dInput.Slice(j * n, n);
            TensorPrimitives.Multiply(s.XHat.AsSpan(j * n, n), sumDyXHat, dx);
            TensorPrimitives.Subtract(dOutput.Slice(j * n, n), dx, dx);
            TensorPrimitives.Subtract(dx, sumDy, dx);
            TensorPrimitives.Multiply(dx, gain, dx);
        }
    }

    /// <summary><c>target ← (1 − momentum)·target + momentum·factor·value</c>.</summary>
    private static void Blend(Span<float> target, ReadOnlySpan<float> value, float momentum, float factor)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = ((1f - momentum) * target[i]) + (momentum * factor * value[i]);
        }
    }

    private void RunningInverseStd(Span<float> invStd)
    {
        TensorPrimitives.Add(RunningVariance.Data, Epsilon, invStd);
        TensorPrimitives.ReciprocalSqrt(invStd, invStd);
    }

    private void ApplyRunning(ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> invStd, int batch)
    {
        int n = InputSize;
        for (int j = 0; j < batch; j++)
        {
            var y = output.Slice(j * n, n);
            TensorPrimitives.Subtract(input.Slice(j * n, n), RunningMean.Data, y);
            TensorPrimitives.Multiply(y, invStd, y);
            TensorPrimitives.MultiplyAdd(y, Scale.Data, Shift.Data, y);
        }
    }

    private sealed class BatchNormState(int capacity, int rows) : LayerState(capacity)
    {
        public float[] XHat { get; } = new float[rows * capacity];

        public float[] Mean { get; } = new float[rows];

        public float[] InvStd { get; } = new float[rows];

        public float[] SumDyXHat { get; } = new float[rows];

        public float[] Gain { get; } = new float[rows];

        public bool UsedBatchStatistics { get; set; }
    }
}
