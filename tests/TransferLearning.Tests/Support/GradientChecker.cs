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

    /// <summary>
    /// The derivative of J (the mean loss, in double precision) by one scalar of one parameter: central differences
    /// D(h) = (J(w + h) − J(w − h)) / 2h at h = ε and h = ε/2, combined by Richardson extrapolation,
    /// (4·D(ε/2) − D(ε)) / 3, which cancels the ε² term of the truncation error (what is left is O(ε⁴) and the
    /// float32 forward pass's rounding, about 10⁻⁷·J / ε).
    /// </summary>
    public static double NumericGradient(Network network, Dataset data, Loss loss, Parameter parameter, int index, float epsilon) =>
        NumericGradient(network, data, loss, parameter, index, epsilon, out _);

    /// <summary>
    /// As above; <paramref name="crossesKink"/> tells whether a perturbation moved any ReLU-family
    /// pre-activation across 0, where the loss is not differentiable and central differences mean nothing.
    /// </summary>
    public static double NumericGradient(Network network, Dataset data, Loss loss, Parameter parameter, int index, float epsilon, out bool crossesKink)
    {
        double wide = CentralDifference(network, data, loss, parameter, index, epsilon, out bool wideCrosses);
        double narrow = CentralDifference(network, data, loss, parameter, index, epsilon / 2, out bool narrowCrosses);
        crossesKink = wideCrosses || narrowCrosses;
        return ((4 * narrow) - wide) / 3;
    }

    private static double CentralDifference(Network network, Dataset data, Loss loss, Parameter parameter, int index, float h, out bool crossesKink)
    {
        float original = parameter.Data[index];
        parameter.Data[index] = original + h;
        double plus = TrainingLoss(network, data, loss);
        var signsPlus = KinkSides(network, data, loss);
        parameter.Data[index] = original - h;
        double minus = TrainingLoss(network, data, loss);
        var signsMinus = KinkSides(network, data, loss);
        parameter.Data[index] = original;
        crossesKink = !signsPlus.SequenceEqual(signsMinus);
        double actualStep = (double)(original + h) - (original - h);
        return (plus - minus) / actualStep;
    }

    /// <summary>
    /// Checks every scalar of every parameter that trains (a frozen one gets no gradient by design):
    /// |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|). Returns the descriptions of the scalars that
    /// fail. Scalars whose perturbation crosses a ReLU kink are skipped; more than a fifth of them skipped counts
    /// as a failure (the check would say too little).
    /// </summary>
    /// <remarks>
    /// The defaults are about as tight as float32 allows: the loss is a float32 forward pass summed in double, so
    /// the numeric derivative (Richardson-extrapolated central differences, see <see cref="NumericGradient(Network, Dataset, Loss, Parameter, int, float)"/>)
    /// carries a rounding error of about 10⁻⁷·J / ε ≈ 10⁻⁵. Over every case of GradientCheckTests and
    /// LayerGradientCheckTests the largest |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)) was
    /// 0.60 (2026-12-07): a margin of 1.7. A gradient 5 % off fails wherever |gradient| > 4.2·10⁻⁴
    /// (0.05·|g| > atol + rtol·1.05·|g|); <c>GradientCheckTests.Backward_ThreeLayerNetwork_MatchesCentralDifferencesWhichCatchAFivePercentError</c>
    /// proves it on every case.
    /// </remarks>
    public static List<string> Check(Network network, Dataset data, Loss loss, float epsilon = DefaultEpsilon, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance)
    {
        ComputeGradients(network, data, loss);
        var analytic = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        return Compare(network, data, loss, analytic, epsilon, rtol, atol);
    }

    /// <summary>The perturbation of the central differences.</summary>
    public const float DefaultEpsilon = 1e-2f;

    /// <summary>The relative tolerance of <see cref="Check"/>.</summary>
    public const double DefaultRelativeTolerance = 2e-3;

    /// <summary>The absolute tolerance of <see cref="Check"/>.</summary>
    public const double DefaultAbsoluteTolerance = 2e-5;

    /// <summary>The comparison of <see cref="Check"/> against given analytic gradients (a test can corrupt one to see the check fail).</summary>
    public static List<string> Compare(Network network, Dataset data, Loss loss, Dictionary<Parameter, float[]> analytic, float epsilon = DefaultEpsilon, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance) =>
        Compare(NumericGradients(network, data, loss, epsilon), analytic, rtol, atol);

    /// <summary>The comparison of <see cref="Check"/> on numeric gradients computed once (to compare several analytic ones).</summary>
    public static List<string> Compare(NumericResult numeric, Dictionary<Parameter, float[]> analytic, double rtol = DefaultRelativeTolerance, double atol = DefaultAbsoluteTolerance)
    {
        var failures = new List<string>();
        foreach (var (p, i, n) in numeric.Scalars)
        {
            double a = analytic[p][i];
            if (Math.Abs(a - n) > atol + (rtol * Math.Max(Math.Abs(a), Math.Abs(n))))
            {
                failures.Add($"{p.Name}[{i}]: analytic {a:G6}, numeric {n:G6}");
            }
        }

        if (numeric.Skipped * 5 > numeric.Total)
        {
            failures.Add($"{numeric.Skipped} of {numeric.Total} scalars cross a ReLU kink: too many to skip");
        }

        return failures;
    }

    /// <summary>The central difference of every scalar of every trainable parameter, leaving out those whose perturbation crosses a ReLU kink.</summary>
    public static NumericResult NumericGradients(Network network, Dataset data, Loss loss, float epsilon = DefaultEpsilon)
    {
        var scalars = new List<(Parameter, int, double)>();
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

                scalars.Add((p, i, numeric));
            }
        }

        return new NumericResult(scalars, skipped, total);
    }

    /// <summary>Numeric gradients: each compared scalar (parameter, index, value), and how many of how many were skipped at a kink.</summary>
    internal sealed record NumericResult(IReadOnlyList<(Parameter Parameter, int Index, double Value)> Scalars, int Skipped, int Total);

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
