using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;

namespace TransferLearning.Networks;

/// <summary>
/// A fully connected layer <c>l</c>: <c>Z[l] = W[l]·A[l-1] + b[l]</c>, <c>A[l] = g[l](Z[l])</c>, with examples as columns.
/// </summary>
/// <remarks>
/// <para>
/// <c>W[l]</c> is <c>n[l] × n[l-1]</c> and <c>b[l]</c> is <c>n[l]</c>. Backward, given
/// <c>dZ[l]</c> for a mini-batch of <c>m</c> columns:
/// <c>dW[l] = (1/m)·dZ[l]·A[l-1]ᵀ</c>, <c>db[l] = (1/m)·Σ_columns dZ[l]</c>, <c>dA[l-1] = W[l]ᵀ·dZ[l]</c>.
/// </para>
/// <para>
/// A frozen parameter receives no gradient (its product is not computed); when nothing below a layer
/// trains, <c>dA[l-1]</c> is not computed either.
/// </para>
/// </remarks>
public sealed class DenseLayer
{
    private int _forwardCount;

    private DenseLayer(Parameter weight, Parameter bias, Activation activation)
    {
        Weight = weight;
        Bias = bias;
        Activation = activation;
        Parameters = [weight, bias];
    }

    /// <summary>Gets <c>n[l-1]</c>, the number of inputs.</summary>
    public int InputSize => Weight.Columns;

    /// <summary>Gets <c>n[l]</c>, the number of units.</summary>
    public int OutputSize => Weight.Rows;

    /// <summary>Gets the activation <c>g[l]</c>.</summary>
    public Activation Activation { get; }

    /// <summary>Gets <c>W[l]</c>, <c>n[l] × n[l-1]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>Gets <c>b[l]</c>, <c>n[l] × 1</c>.</summary>
    public Parameter Bias { get; }

    /// <summary>Gets the layer's parameters: <see cref="Weight"/> then <see cref="Bias"/>.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Gets the number of scalar parameters, <c>n[l]·n[l-1] + n[l]</c>.</summary>
    public int ParameterCount => Weight.Length + Bias.Length;

    /// <summary>Gets a value indicating whether both <c>W[l]</c> and <c>b[l]</c> are frozen.</summary>
    public bool IsFrozen => Weight.IsFrozen && Bias.IsFrozen;

    /// <summary>Gets a value indicating whether any parameter of the layer trains.</summary>
    public bool IsTrainable => !Weight.IsFrozen || !Bias.IsFrozen;

    /// <summary>The network this layer belongs to, if any: a layer belongs to one network at a time.</summary>
    internal Network? Owner { get; set; }

    /// <summary>Counts forward passes (diagnostics for tests of frozen-feature caching).</summary>
    internal int ForwardCount => Volatile.Read(ref _forwardCount);

    /// <summary>Creates a layer with weights drawn from <paramref name="random"/> and zero biases.</summary>
    /// <param name="inputSize"><c>n[l-1]</c>, at least 1.</param>
    /// <param name="outputSize"><c>n[l]</c>, at least 1.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <param name="random">The generator the weights are drawn from.</param>
    /// <param name="initializer">The initialiser; <see langword="null"/> (the default) picks the activation's <see cref="Activation.DefaultInitializer"/>.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="activation"/> or <paramref name="random"/> is <see langword="null"/>.</exception>
    public static DenseLayer Create(int inputSize, int outputSize, Activation activation, Random random, Initializer? initializer = null)
    {
        Guard.AtLeast(inputSize, 1, nameof(inputSize));
        Guard.AtLeast(outputSize, 1, nameof(outputSize));
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentNullException.ThrowIfNull(random);
        var w = new float[outputSize * inputSize];
        (initializer ?? activation.DefaultInitializer).Fill(w, inputSize, outputSize, random);
        return new DenseLayer(
            new Parameter("weight", outputSize, inputSize, w),
            new Parameter("bias", outputSize, 1, new float[outputSize]),
            activation);
    }

    /// <summary>Creates a layer from existing weights (copied).</summary>
    /// <param name="weight"><c>W[l]</c>, <c>n[l] × n[l-1]</c>, finite.</param>
    /// <param name="bias"><c>b[l]</c>, length <c>n[l]</c>, finite.</param>
    /// <param name="activation">The activation <c>g[l]</c>.</param>
    /// <returns>The new layer.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The bias length differs from the weight's row count, or a value is NaN or infinite.</exception>
    public static DenseLayer FromWeights(Matrix<float> weight, Vector<float> bias, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        ArgumentNullException.ThrowIfNull(activation);
        if (bias.Count != weight.RowCount)
        {
            throw new ArgumentException(
                $"Expected a bias of length {weight.RowCount} (the weight's row count) but got {bias.Count}.", nameof(bias));
        }

        var w = weight.ToColumnMajorArray();
        var b = bias.ToArray();
        Guard.AllFinite(w, nameof(weight), weight.RowCount);
        Guard.AllFinite(b, nameof(bias));
        return new DenseLayer(
            new Parameter("weight", weight.RowCount, weight.ColumnCount, w),
            new Parameter("bias", weight.RowCount, 1, b),
            activation);
    }

    /// <summary>Freezes <c>W[l]</c> and <c>b[l]</c>: they stay bit-for-bit unchanged through training.</summary>
    public void Freeze()
    {
        Weight.IsFrozen = true;
        Bias.IsFrozen = true;
    }

    /// <summary>Lets <c>W[l]</c> and <c>b[l]</c> train.</summary>
    public void Unfreeze()
    {
        Weight.IsFrozen = false;
        Bias.IsFrozen = false;
    }

    /// <summary>Returns a readable description, such as <c>Dense(784 → 512, ReLU) [401,920 params, frozen]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        string state = IsFrozen ? ", frozen" : Weight.IsFrozen || Bias.IsFrozen ? ", partly frozen" : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Dense({InputSize} → {OutputSize}, {Activation.Name}) [{ParameterCount:N0} params{state}]");
    }

    /// <summary>Returns a deep copy (same weights, activation and freezing) that belongs to no network.</summary>
    /// <returns>The copy; changing it does not change this layer.</returns>
    public DenseLayer Clone() =>
        new(Weight.Clone("weight"), Bias.Clone("bias"), Activation);

    /// <summary>A deep copy with the same freezing and the given parameter names.</summary>
    internal DenseLayer Clone(int index) =>
        new(Weight.Clone(WeightName(index)), Bias.Clone(BiasName(index)), Activation);

    internal void Rename(int index)
    {
        Weight.Name = WeightName(index);
        Bias.Name = BiasName(index);
    }

    /// <summary>
    /// <c>Z = W·A_prev + b</c>, <c>A = g(Z)</c> for <paramref name="batch"/> columns.
    /// </summary>
    internal void Forward(ComputeBackend backend, ReadOnlySpan<float> aPrev, Span<float> z, Span<float> a, int batch)
    {
        Interlocked.Increment(ref _forwardCount);
        int n = OutputSize;
        z = z[..(n * batch)];
        Elementwise.BroadcastColumns(Bias.Data, z, batch);
        backend.Gemm(false, false, n, batch, InputSize, 1f, Weight.Data, n, aPrev, InputSize, 1f, z, n);
        Activation.Forward(z, a[..(n * batch)], n);
    }

    /// <summary>
    /// Given <c>dZ</c>, computes the gradients of the parameters that train and, when
    /// <paramref name="dAPrev"/> is not empty, <c>dA_prev = Wᵀ·dZ</c>.
    /// </summary>
    internal void Backward(ComputeBackend backend, ReadOnlySpan<float> aPrev, ReadOnlySpan<float> dZ, Span<float> dAPrev, int batch)
    {
        int n = OutputSize;
        int nIn = InputSize;
        float invM = 1f / batch;
        if (!Weight.IsFrozen)
        {
            backend.Gemm(false, true, n, nIn, batch, invM, dZ, n, aPrev, nIn, 0f, Weight.Gradient, n);
        }

        if (!Bias.IsFrozen)
        {
            Elementwise.RowSums(dZ[..(n * batch)], batch, invM, Bias.Gradient);
        }

        if (!dAPrev.IsEmpty)
        {
            backend.Gemm(true, false, nIn, batch, n, 1f, Weight.Data, n, dZ, n, 0f, dAPrev, nIn);
        }
    }

    private static string WeightName(int index) => string.Create(CultureInfo.InvariantCulture, $"layers.{index}.weight");

    private static string BiasName(int index) => string.Create(CultureInfo.InvariantCulture, $"layers.{index}.bias");
}
