using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>One or two optimiser steps on a lone parameter with a gradient set by hand, against the documented update rules.</summary>
public class OptimizerStepTests
{
    // 19 values: longer than one SIMD vector, with a scalar tail, so both code paths are checked.
    private const int Length = 19;
    private const double Tolerance = 1e-6;

    private static float W0(int i) => 0.5f - (0.1f * i);

    private static float G1(int i) => ((i % 5) - 2) * 0.3f;

    private static float G2(int i) => 0.2f - (0.05f * i);

    [Fact]
    public void Sgd_TwoSteps_SubtractsRateTimesGradient()
    {
        var (p, optimizer) = Make(new SgdOptions { LearningRate = 0.1f });

        Step(optimizer, p, G1);
        Step(optimizer, p, G2);

        ShouldBe(p, i => W0(i) - (0.1 * G1(i)) - (0.1 * G2(i)));
        optimizer.StepCount.Should().Be(2);
    }

    [Fact]
    public void SgdMomentum_TwoSteps_AccumulatesVelocity()
    {
        var (p, optimizer) = Make(new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f });

        Step(optimizer, p, G1);
        Step(optimizer, p, G2);

        // v1 = g1, w1 = w0 − η·v1; v2 = μ·v1 + g2, w2 = w1 − η·v2.
        ShouldBe(p, i => W0(i) - (0.1 * G1(i)) - (0.1 * ((0.9 * G1(i)) + G2(i))));
    }

    [Fact]
    public void SgdNesterov_TwoSteps_LooksAhead()
    {
        var (p, optimizer) = Make(new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, Nesterov = true });

        Step(optimizer, p, G1);
        Step(optimizer, p, G2);

        // w ← w − η·(g + μ·v) with v ← μ·v + g.
        ShouldBe(p, i =>
        {
            double v1 = G1(i), v2 = (0.9 * v1) + G2(i);
            return W0(i) - (0.1 * (G1(i) + (0.9 * v1))) - (0.1 * (G2(i) + (0.9 * v2)));
        });
    }

    [Fact]
    public void SgdWeightDecay_OneStep_AddsDecayTimesWeightToTheGradient()
    {
        var (p, optimizer) = Make(new SgdOptions { LearningRate = 0.1f, WeightDecay = 0.5f });

        Step(optimizer, p, G1);

        ShouldBe(p, i => W0(i) - (0.1 * (G1(i) + (0.5 * W0(i)))));
    }

    [Fact]
    public void Adam_TwoSteps_MatchBiasCorrectedMoments()
    {
        var (p, optimizer) = Make(new AdamOptions { LearningRate = 0.01f });

        Step(optimizer, p, G1);
        Step(optimizer, p, G2);

        ShouldBe(p, i =>
        {
            double w = W0(i), m = 0, v = 0;
            foreach (var (g, t) in new[] { ((double)G1(i), 1), (G2(i), 2) })
            {
                m = (0.9 * m) + (0.1 * g);
                v = (0.999 * v) + (0.001 * g * g);
                double mHat = m / (1 - Math.Pow(0.9, t)), vHat = v / (1 - Math.Pow(0.999, t));
                w -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }

            return w;
        });
    }

    [Fact]
    public void Adam_FirstStep_MovesEachWeightByTheRateAgainstItsGradientSign()
    {
        var (p, optimizer) = Make(new AdamOptions { LearningRate = 0.01f });

        Step(optimizer, p, G1);

        // m̂ = g and v̂ = g², so the first step is η·g/(|g| + ε): η·sign(g), or nothing where g = 0.
        ShouldBe(p, i => W0(i) - (0.01 * Math.Sign(G1(i))));
    }

    [Fact]
    public void GroupSettings_ScaleFactorAndOwnDecay_OverrideTheOptimizers()
    {
        var p = MakeParameter();
        var optimizer = new SgdOptions { LearningRate = 0.1f, WeightDecay = 9f }.Create([new ParameterGroup([p], learningRateScale: 0.5f, weightDecay: 0.2f)]);
        optimizer.LearningRateFactor = 0.4f;

        Step(optimizer, p, G1);

        // η = 0.1 · 0.5 (group) · 0.4 (schedule); the group's decay 0.2 replaces the optimiser's 9.
        ShouldBe(p, i => W0(i) - (0.1 * 0.5 * 0.4 * (G1(i) + (0.2 * W0(i)))));
    }

    [Fact]
    public void AnchorDecay_WeightMovedFromStart_PullsBackTowardsIt()
    {
        var p = MakeParameter();
        var optimizer = new SgdOptions { LearningRate = 0.1f }.Create([new ParameterGroup([p], anchorDecay: 0.5f)]);
        for (int i = 0; i < Length; i++)
        {
            p.Data[i] = W0(i) + 2f;   // moved 2 away from the anchor w₀ captured when the group was made
        }

        Step(optimizer, p, _ => 0f);

        // g = 0 + α·(w − w₀) = 0.5·2; w ← w − 0.1·1.
        ShouldBe(p, i => W0(i) + 2 - (0.1 * 0.5 * 2));
    }

    // The vector loops (512-bit where the CPU has AVX-512, else Vector<float>) against the scalar loop that one-value
    // parameters take: every operation is correctly rounded at every width, so the bits are the same.
    [Theory]
    [InlineData("Adam")]
    [InlineData("Adam with decay and L2-SP")]
    [InlineData("SGD with Nesterov momentum, decay and L2-SP")]
    public void Step_VectorLoops_SameBitsAsTheScalarLoop(string kind)
    {
        const int n = (16 * 37) + 9;
        bool regularised = kind.Contains("L2-SP", StringComparison.Ordinal);
        OptimizerOptions options = kind.StartsWith("Adam", StringComparison.Ordinal)
            ? new AdamOptions { LearningRate = 0.01f, WeightDecay = regularised ? 0.05f : 0f }
            : new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, Nesterov = true, WeightDecay = 0.05f };
        var whole = new Parameter("w", n, 1, Enumerable.Range(0, n).Select(W0).ToArray());
        var singles = Enumerable.Range(0, n).Select(i => new Parameter("w" + i, 1, 1, [W0(i)])).ToArray();
        var vectors = options.Create([new ParameterGroup([whole], anchorDecay: regularised ? 0.3f : 0f)]);
        var scalars = options.Create([new ParameterGroup(singles, anchorDecay: regularised ? 0.3f : 0f)]);
        var random = new Random(7);

        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < n; i++)
            {
                whole.Gradient[i] = singles[i].Gradient[0] = (float)(random.NextDouble() - 0.5) * (i % 5 == 0 ? 1e-6f : 1f);
            }

            vectors.Step();
            scalars.Step();
        }

        whole.Data.Should().Equal(singles.Select(p => p.Data[0]), "the vector and scalar loops compute the same correctly rounded operations");
        whole.Data.Should().NotEqual(Enumerable.Range(0, n).Select(W0), "the steps moved the weights");
    }

    [Theory]
    [InlineData("SgdMomentum")]
    [InlineData("Adam")]
    public void Step_ParameterFrozenAfterAStep_NoFurtherChangeFromMomentum(string kind)
    {
        var (p, optimizer) = Make(kind == "Adam" ? new AdamOptions { LearningRate = 0.01f, WeightDecay = 0.1f } : new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 0.1f });
        Step(optimizer, p, G1);
        var afterFirst = p.Values.ToArray();

        p.IsFrozen = true;
        optimizer.Step();
        optimizer.Step();

        p.Values.ToArray().Should().Equal(afterFirst, "the velocity or moments and the decay must not move a frozen parameter");
    }

    private static Parameter MakeParameter() => new("p", Length, 1, Enumerable.Range(0, Length).Select(W0).ToArray());

    private static (Parameter Parameter, Optimizer Optimizer) Make(OptimizerOptions options)
    {
        var p = MakeParameter();
        return (p, options.Create([new ParameterGroup([p])]));
    }

    private static void Step(Optimizer optimizer, Parameter p, Func<int, float> gradient)
    {
        for (int i = 0; i < Length; i++)
        {
            p.Gradient[i] = gradient(i);
        }

        optimizer.Step();
    }

    private static void ShouldBe(Parameter p, Func<int, double> expected) =>
        p.Values.ToArray().Select(v => (double)v).Should().Equal(
            Enumerable.Range(0, Length).Select(expected), (a, e) => Math.Abs(a - e) < Tolerance);
}
