using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Support;

/// <summary>
/// Analytic gradients from the network's backward pass (the public <see cref="TrainingStep"/>), and central
/// finite differences of the training-mode loss to check them: a dropout layer draws the same mask on every
/// pass (each pass is a fresh step, whose mask generator restarts from the layer's seed), and batch
/// normalisation uses the batch's statistics, so the numeric loss is the very function the backward pass derives.
/// </summary>
internal static class GradientChecker
{
    /// <summary>
    /// Runs forward and backward on the whole set as one batch; gradients land in each parameter's Gradient.
    /// Returns the workspace, whose buffers hold the pass's values.
    /// </summary>
    public static Workspace ComputeGradients(Network network, Dataset data, Loss loss)
    {
        var step = new TrainingStep(network, loss, data.Count);
        step.ComputeGradients(data);
        return step.Workspace;
    }

    /// <summary>The training-mode mean loss <c>J</c> of the whole set as one batch, in double precision.</summary>
    public static double TrainingLoss(Network network, Dataset data, Loss loss)
    {
        var saved = network.Parameters.Select(p => p.Gradients.ToArray()).ToArray();
        double j = new TrainingStep(network, loss, data.Count).ComputeGradients(data);
        foreach (var (p, g) in network.Parameters.Zip(saved))
        {
            g.CopyTo(p.Gradient, 0);
        }

        return j;
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
        double plus = TrainingLoss(network, data, loss);
        var signsPlus = KinkSides(network, data, loss);
        parameter.Data[index] = original - epsilon;
        double minus = TrainingLoss(network, data, loss);
        var signsMinus = KinkSides(network, data, loss);
        parameter.Data[index] = original;
        crossesKink = !signsPlus.SequenceEqual(signsMinus);
        double actualStep = (double)(original + epsilon) - (original - epsilon);
        return (plus - minus) / actualStep;
    }

    /// <summary>
    /// Checks every scalar of every parameter that trains (a frozen one gets no gradient by design): |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
    /// Returns the descriptions of the scalars that fail. Scalars whose perturbation crosses a ReLU kink
    /// are skipped; more than a fifth of them skipped counts as a failure (the check would say too little).
    /// </summary>
    public static List<string> Check(Network network, Dataset data, Loss loss, float epsilon = 1e-2f, double rtol = 0.02, double atol = 2e-4)
    {
        ComputeGradients(network, data, loss);
        var analytic = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        return Compare(network, data, loss, analytic, epsilon, rtol, atol);
    }

    /// <summary>The comparison of <see cref="Check"/> against given analytic gradients (a test can corrupt one to see the check fail).</summary>
    public static List<string> Compare(Network network, Dataset data, Loss loss, Dictionary<Parameter, float[]> analytic, float epsilon = 1e-2f, double rtol = 0.02, double atol = 2e-4)
    {
        var failures = new List<string>();
        int skipped = 0;
        int total = 0;
        foreach (var p in network.Parameters.Where(p => !p.IsFrozen))
        {
            for (int i = 0; i < p.Length; i++)
            {
                total++;
                double numeric = NumericGradient(network, data, loss, p, i, epsilon, out bool crossesKink);
                if (crossesKink)
                {
                    skipped++;
                    continue;
                }

                double a = analytic[p][i];
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

    /// <summary>For every pre-activation of a ReLU-family dense layer (training mode): is it positive?</summary>
    private static bool[] KinkSides(Network network, Dataset data, Loss loss)
    {
        var saved = network.Parameters.Select(p => p.Gradients.ToArray()).ToArray();
        var ws = ComputeGradients(network, data, loss);
        foreach (var (p, g) in network.Parameters.Zip(saved))
        {
            g.CopyTo(p.Gradient, 0);
        }

        var sides = new List<bool>();
        for (int l = 0; l < network.Layers.Count; l++)
        {
            if (network.Layers[l] is DenseLayer dense && dense.Activation.Name.Contains("ReLU", StringComparison.Ordinal))
            {
                sides.AddRange(ws.PreActivationOf(l)[..(dense.OutputSize * data.Count)].ToArray().Select(z => z > 0));
            }
        }

        return [.. sides];
    }
}
