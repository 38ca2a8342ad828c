using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;

namespace TransferLearning.Training.Losses;

internal sealed class BinaryCrossEntropyLoss : Loss
{
    public override string Name => "BinaryCrossEntropy";

    internal override bool ReadsPreActivation => true;

    internal override void Validate(DenseLayer output, Dataset data, string paramName)
    {
        if (output.Activation != Activation.Sigmoid)
        {
            throw new ArgumentException(
                $"Binary cross-entropy expects a Sigmoid output layer but the output layer is {output}.", paramName);
        }

        if (data.IsClassification)
        {
            if (output.OutputSize != 1 || data.ClassCount > 2)
            {
                throw new ArgumentException(
                    $"Binary cross-entropy with class labels expects 1 output unit and labels 0/1 but got {output.OutputSize} output units and {data.ClassCount} classes.",
                    paramName);
            }

            return;
        }

        if (data.TargetCount != output.OutputSize)
        {
            throw new ArgumentException(
                $"Expected {output.OutputSize} target rows (the output layer's size) but the data set has {data.TargetCount}.", paramName);
        }

        var y = data.TargetArray!;
        for (int i = 0; i < y.Length; i++)
        {
            if (!(y[i] >= 0 && y[i] <= 1))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Binary cross-entropy expects targets in [0, 1] but target {i} is {y[i]}."), paramName);
            }
        }
    }

    internal override double Sum(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets)
    {
        double sum = 0;
        int count = targets.HasLabels ? targets.Labels.Length * rows : targets.Values.Length;
        for (int k = 0; k < count; k++)
        {
            double zk = z[k];
            double y = Target(targets, k, rows);
            sum += Math.Max(zk, 0) - (zk * y) + Math.Log(1 + Math.Exp(-Math.Abs(zk)));
        }

        return sum;
    }

    internal override void OutputGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> a, int rows, in BatchTargets targets, Activation activation, Span<float> dZ)
    {
        int count = targets.HasLabels ? targets.Labels.Length * rows : targets.Values.Length;
        for (int k = 0; k < count; k++)
        {
            dZ[k] = a[k] - Target(targets, k, rows);
        }
    }

    /// <summary>
    /// The target of output value <paramref name="k"/>: with class labels (one output unit) the label itself,
    /// 0 or 1 — not the one-hot <c>label == row</c>, which would train the unit towards the opposite class.
    /// </summary>
    private static float Target(in BatchTargets targets, int k, int rows) =>
        targets.HasLabels ? targets.Labels[k] : targets.At(k % rows, k / rows, rows);
}
