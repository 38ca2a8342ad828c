using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training.Losses;

internal sealed class MeanSquaredErrorLoss : Loss
{
    public override string Name => "MeanSquaredError";

    internal override void Validate(DenseLayer output, Dataset data, string paramName)
    {
        int expected = data.IsClassification ? data.ClassCount : data.TargetCount;
        bool fits = data.IsClassification ? expected <= output.OutputSize : expected == output.OutputSize;
        if (!fits)
        {
            throw new ArgumentException(
                $"Expected {output.OutputSize} target rows (the output layer's size) but the data set has {expected}{(data.IsClassification ? " classes" : string.Empty)}.",
                paramName);
        }
    }

    internal override double Sum(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets)
    {
        double sum = 0;
        int count = targets.HasLabels ? targets.Labels.Length * rows : targets.Values.Length;
        for (int k = 0; k < count; k++)
        {
            double d = a[k] - targets.At(k % rows, k / rows, rows);
            sum += d * d;
        }

        return sum / rows;
    }

    internal override void OutputGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets, Activation activation, Span<float> dZ)
    {
        int count = targets.HasLabels ? targets.Labels.Length * rows : targets.Values.Length;
        float scale = 2f / rows;
        for (int k = 0; k < count; k++)
        {
            dZ[k] = scale * (a[k] - targets.At(k % rows, k / rows, rows));
        }

        // dZ = dA ⊙ g'(Z), computed in place.
        activation.Backward(z[..count], a[..count], dZ[..count], dZ[..count], rows);
    }
}
