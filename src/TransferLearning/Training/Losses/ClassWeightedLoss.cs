using System.Numerics.Tensors;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training.Losses;

/// <summary>
/// A loss whose examples weigh by their class: <c>Σ_j w_{y_j}·L_j</c> over a batch, and <c>dZ_j</c> of the inner loss
/// scaled by <c>w_{y_j}</c> (the derivative of the weighted sum, every <c>dZ</c> being linear in its example's loss).
/// Targets without labels (regression) are not weighted.
/// </summary>
internal sealed class ClassWeightedLoss : Loss
{
    private readonly Loss _inner;
    private readonly float[] _weights;

    private ClassWeightedLoss(Loss inner, float[] weights)
    {
        _inner = inner;
        _weights = weights;
    }

    public override string Name => _inner.Name + " with balanced class weights";

    /// <summary>Gets the weight of each class.</summary>
    public IReadOnlyList<float> Weights => _weights;

    internal override bool ReadsPreActivation => _inner.ReadsPreActivation;

    /// <summary>
    /// <see cref="ClassWeighting.Balanced"/>: <c>w_c = m / (k'·n_c)</c> over <paramref name="train"/>'s labels; a class
    /// without training examples (up to <paramref name="classes"/>, the classes the outputs can name) weighs 1.
    /// </summary>
    public static ClassWeightedLoss Balanced(Loss inner, Dataset train, int classes)
    {
        var counts = new int[Math.Max(classes, train.ClassCount)];
        foreach (int label in train.LabelArray!)
        {
            counts[label]++;
        }

        int present = counts.Count(n => n > 0);
        var weights = counts.Select(n => n == 0 ? 1f : (float)((double)train.Count / ((double)present * n))).ToArray();
        return new ClassWeightedLoss(inner, weights);
    }

    internal override void Validate(DenseLayer output, Dataset data, string paramName) => _inner.Validate(output, data, paramName);

    internal override double Sum(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets)
    {
        if (!targets.HasLabels)
        {
            return _inner.Sum(z, a, rows, targets);
        }

        double sum = 0;
        var labels = targets.Labels;
        for (int j = 0; j < labels.Length; j++)
        {
            var column = new BatchTargets(labels.Slice(j, 1), default);
            var zj = z.IsEmpty ? z : z.Slice(j * rows, rows);
            sum += _weights[labels[j]] * _inner.Sum(zj, a.Slice(j * rows, rows), rows, column);
        }

        return sum;
    }

    internal override void OutputGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets, Activation activation, Span<float> dZ)
    {
        _inner.OutputGradient(z, a, rows, targets, activation, dZ);
        if (!targets.HasLabels)
        {
            return;
        }

        var labels = targets.Labels;
        for (int j = 0; j < labels.Length; j++)
        {
            var column = dZ.Slice(j * rows, rows);
            TensorPrimitives.Multiply(column, _weights[labels[j]], column);
        }
    }
}
