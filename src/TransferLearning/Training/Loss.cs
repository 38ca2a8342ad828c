using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training.Losses;

namespace TransferLearning.Training;

/// <summary>
/// The cost <c>J = (1/m)·Σ_examples L(a[L], y)</c> that training minimises, and its gradient at the output.
/// </summary>
/// <remarks>
/// Each loss is computed from the output pre-activation <c>Z[L]</c> where that is the stable way
/// (log-sum-exp for softmax cross-entropy, <c>max(z,0) − z·y + log(1 + e^(−|z|))</c> for binary
/// cross-entropy), so it never takes <c>log(0)</c>.
/// </remarks>
public abstract class Loss
{
    private protected Loss()
    {
    }

    /// <summary>
    /// Gets softmax cross-entropy over integer class labels: <c>L = −log a_y = log Σ_k e^(z_k) − z_y</c>.
    /// Needs a <see cref="Activation.Softmax"/> output; <c>dZ[L] = A[L] − Y</c> (one-hot <c>Y</c>).
    /// </summary>
    public static Loss SoftmaxCrossEntropy { get; } = new SoftmaxCrossEntropyLoss();

    /// <summary>
    /// Gets binary cross-entropy for sigmoid outputs with 0/1 labels (or targets in [0, 1]):
    /// <c>L = −Σ_i [y_i·log a_i + (1 − y_i)·log(1 − a_i)]</c>. Needs a <see cref="Activation.Sigmoid"/>
    /// output; <c>dZ[L] = A[L] − Y</c>.
    /// </summary>
    public static Loss BinaryCrossEntropy { get; } = new BinaryCrossEntropyLoss();

    /// <summary>
    /// Gets mean squared error <c>L = (1/n_y)·Σ_i (a_i − y_i)²</c> for regression (class labels are
    /// one-hot encoded); any output activation. <c>dA[L] = (2/n_y)·(A[L] − Y)</c>.
    /// </summary>
    public static Loss MeanSquaredError { get; } = new MeanSquaredErrorLoss();

    /// <summary>Gets the loss's name.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Returns the loss that matches an output activation: softmax → <see cref="SoftmaxCrossEntropy"/>,
    /// sigmoid → <see cref="BinaryCrossEntropy"/>, anything else → <see cref="MeanSquaredError"/>.
    /// </summary>
    /// <param name="outputActivation">The output layer's activation.</param>
    /// <returns>The matching loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outputActivation"/> is <see langword="null"/>.</exception>
    public static Loss For(Activation outputActivation)
    {
        ArgumentNullException.ThrowIfNull(outputActivation);
        return outputActivation == Activation.Softmax ? SoftmaxCrossEntropy
            : outputActivation == Activation.Sigmoid ? BinaryCrossEntropy
            : MeanSquaredError;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Throws when this loss cannot score <paramref name="data"/> with the given output layer.</summary>
    internal abstract void Validate(DenseLayer output, Dataset data, string paramName);

    /// <summary>
    /// Gets a value indicating whether <see cref="Sum"/> reads the output pre-activation <c>Z[L]</c> (the
    /// cross-entropies, whose outputs are a softmax or a sigmoid); when false it reads only <c>A[L]</c>, and an
    /// evaluation passes no <c>Z</c>.
    /// </summary>
    internal virtual bool ReadsPreActivation => false;

    /// <summary>Returns <c>Σ_examples L</c> over a batch (not the mean).</summary>
    internal abstract double Sum(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets);

    /// <summary>Writes the per-example output gradient <c>dZ[L]</c> (no 1/m factor).</summary>
    internal abstract void OutputGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets, Activation activation, Span<float> dZ);
}
