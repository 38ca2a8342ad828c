using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Training.Losses;

namespace TransferLearning.Tests.Support;

/// <summary>Analytic gradients from the network's backward pass, and central finite differences to check them.</summary>
internal static class GradientChecker
{
    /// <summary>
    /// Runs forward and backward on the whole set as one batch; gradients land in each parameter's Gradient.
    /// Returns the workspace, whose Z, A and DZ hold the pass's values.
    /// </summary>
    public static Workspace ComputeGradients(Network network, Dataset data, Loss loss)
    {
        var ws = new Workspace(network, data.Count);
        network.Forward(ws, data.FeatureData, data.Count);
        int last = network.Layers.Count - 1;
        int size = network.OutputSize * data.Count;
        var targets = Network.TargetsOf(data, 0, data.Count);
        loss.OutputGradient(ws.Z[last].AsSpan(0, size), ws.A[last].AsSpan(0, size), network.OutputSize, targets, network.OutputLayer.Activation, ws.DZ[last]);
        network.Backward(ws, data.FeatureData, data.Count);
        return ws;
    }

    /// <summary>(J(w + ε) − J(w − ε)) / 2ε for one scalar of one parameter, J the mean loss in double precision.</summary>
    public static double NumericGradient(Network network, Dataset data, Loss loss, Parameter parameter, int index, float epsilon) =>
        NumericGradient(network, data, loss, parameter, index, epsilon, out _);

    /// <summary>
    /// As above; <paramref name="crossesKink"/> tells whether the ±ε perturbation moved any ReLU-family
    /// pre-activation across 0, where the loss is not differentiable and central differences mean nothing.
    /// </summary>
    public static double NumericGradient(Network network, Dataset data, Loss loss, Parameter parameter, int index, float epsilon, out bool crossesKink)
    {
        float original = parameter.Data[index];
        parameter.Data[index] = original + epsilon;
        double plus = network.Evaluate(data, loss).Loss;
        var signsPlus = KinkSides(network, data);
        parameter.Data[index] = original - epsilon;
        double minus = network.Evaluate(data, loss).Loss;
        var signsMinus = KinkSides(network, data);
        parameter.Data[index] = original;
        crossesKink = !signsPlus.SequenceEqual(signsMinus);
        double actualStep = (double)(original + epsilon) - (original - epsilon);
        return (plus - minus) / actualStep;
    }

    /// <summary>For every pre-activation of a ReLU-family layer: is it positive?</summary>
    private static bool[] KinkSides(Network network, Dataset data)
    {
        var ws = new Workspace(network, data.Count);
        network.Forward(ws, data.FeatureData, data.Count);
        var sides = new List<bool>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            if (network.Layers[l].Activation.Name.Contains("ReLU", StringComparison.Ordinal))
            {
                sides.AddRange(ws.Z[l].Take(network.Layers[l].OutputSize * data.Count).Select(z => z > 0));
            }
        }

        return [.. sides];
    }

    /// <summary>
    /// Checks every scalar of every parameter: |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
    /// Returns the descriptions of the scalars that fail. Scalars whose perturbation crosses a ReLU kink
    /// are skipped; more than a fifth of them skipped counts as a failure (the check would say too little).
    /// </summary>
    public static List<string> Check(Network network, Dataset data, Loss loss, float epsilon = 1e-2f, double rtol = 0.02, double atol = 2e-4)
    {
        ComputeGradients(network, data, loss);
        var failures = new List<string>();
        int skipped = 0;
        int total = 0;
        foreach (var p in network.Parameters)
        {
            var analytic = p.Gradients.ToArray();
            for (int i = 0; i < p.Length; i++)
            {
                total++;
                double numeric = NumericGradient(network, data, loss, p, i, epsilon, out bool crossesKink);
                if (crossesKink)
                {
                    skipped++;
                    continue;
                }

                double a = analytic[i];
                if (Math.Abs(a - numeric) > atol + (rtol * Math.Max(Math.Abs(a), Math.Abs(numeric))))
                {
                    failures.Add($"{p.Name}[{i}]: analytic {a:G6}, numeric {numeric:G6}");
                }
            }
        }

        if (skipped * 5 > total)
        {
            failures.Add($"{skipped} of {total} scalars cross a ReLU kink: too many to skip");
        }

        return failures;
    }
}
