using System.Numerics.Tensors;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training.Losses;

internal sealed class SoftmaxCrossEntropyLoss : Loss
{
    public override string Name => "SoftmaxCrossEntropy";

    internal override bool ReadsPreActivation => true;

    internal override void Validate(DenseLayer output, Dataset data, string paramName)
    {
        if (output.Activation != Activation.Softmax)
        {
            throw new ArgumentException(
                $"Softmax cross-entropy expects a Softmax output layer but the output layer is {output}.", paramName);
        }

        if (!data.IsClassification)
        {
            throw new ArgumentException("Softmax cross-entropy expects class labels but the data set has regression targets.", paramName);
        }

        if (data.ClassCount > output.OutputSize)
        {
            throw new ArgumentException(
                $"Expected at most {output.OutputSize} classes (the output layer's size) but the data set has {data.ClassCount}.", paramName);
        }
    }

    internal override double Sum(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets)
    {
        double sum = 0;
        int columns = targets.Labels.Length;
        for (int j = 0; j < columns; j++)
        {
            var zc = z.Slice(j * rows, rows);
            float max = TensorPrimitives.Max(zc);
            double s = 0;
            for (int i = 0; i < rows; i++)
            {
                s += Math.Exp(zc[i] - max);
            }

            sum += max + Math.Log(s) - zc[targets.Labels[j]];
        }

        return sum;
    }

    internal override void OutputGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets, Activation activation, Span<float> dZ)
    {
        int columns = targets.Labels.Length;
        a[..(rows * columns)].CopyTo(dZ);
        for (int j = 0; j < columns; j++)
        {
            dZ[(j * rows) + targets.Labels[j]] -= 1f;
        }
    }
}
