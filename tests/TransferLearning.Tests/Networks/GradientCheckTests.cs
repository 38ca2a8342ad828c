using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

public class GradientCheckTests
{
    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var hidden in new[] { "Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh" })
        {
            foreach (var output in new[] { "Softmax+CE", "Sigmoid+BCE", "Identity+MSE", "Sigmoid+MSE", "Tanh+MSE", "ReLU+MSE", "Softmax+MSE" })
            {
                foreach (int batch in new[] { 1, 5 })
                {
                    data.Add(hidden, output, batch);
                }
            }
        }

        return data;
    }

    /// <summary>The three-layer network and data of one case: <paramref name="hidden"/> activation, output activation + loss, batch size.</summary>
    private static (Network Network, Dataset Data, Loss Loss) Make(string hidden, string output, int batch)
    {
        var hiddenActivation = ActivationNamed(hidden);
        var (outputActivation, loss, outputs) = output switch
        {
            "Softmax+CE" => (Activation.Softmax, Loss.SoftmaxCrossEntropy, 3),
            "Sigmoid+BCE" => (Activation.Sigmoid, Loss.BinaryCrossEntropy, 1),
            "Identity+MSE" => (Activation.Identity, Loss.MeanSquaredError, 2),
            "Sigmoid+MSE" => (Activation.Sigmoid, Loss.MeanSquaredError, 2),
            "Tanh+MSE" => (Activation.Tanh, Loss.MeanSquaredError, 2),
            "ReLU+MSE" => (Activation.ReLU, Loss.MeanSquaredError, 2),
            "Softmax+MSE" => (Activation.Softmax, Loss.MeanSquaredError, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(output)),
        };
        var network = Network.Create(4, seed: 11)
            .Dense(5, hiddenActivation)
            .Dense(4, hiddenActivation)
            .Dense(outputs, outputActivation);
        network.TrainingBackend = TransferLearning.Compute.ComputeBackend.Managed;
        // Data seed batch + 4: no case has a dead output (ReLU output, one example) or a ReLU body dead on its only
        // example, whose gradient would be all zeros and its check empty (the 5 % error below would pass).
        return (network, MakeData(batch, outputs, loss, seed: batch + 4), loss);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_ThreeLayerNetwork_MatchesCentralDifferencesWhichCatchAFivePercentError(string hidden, string output, int batch)
    {
        var (network, data, loss) = Make(hidden, output, batch);
        GradientChecker.ComputeGradients(network, data, loss);
        var analytic = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        var numeric = GradientChecker.NumericGradients(network, data, loss);

        GradientChecker.Compare(numeric, analytic).Should().BeEmpty(
            "the backward pass must match central differences for {0} hidden, {1} output, batch {2}", hidden, output, batch);

        // The same check must fail on this very case when the backward pass is 5 % off, everywhere (a wrong
        // constant factor) or in the largest gradient alone. (The tolerances of 2 % and 2e-4 this replaced let a
        // 5 % error pass wherever |gradient| < 7e-3.)
        var scaled = analytic.ToDictionary(kv => kv.Key, kv => kv.Value.Select(g => g * 1.05f).ToArray());
        var largest = numeric.Scalars.MaxBy(s => Math.Abs(s.Value));
        var one = analytic.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        one[largest.Parameter][largest.Index] *= 1.05f;

        GradientChecker.Compare(numeric, scaled).Should().NotBeEmpty("every gradient 5 % too large must fail");
        GradientChecker.Compare(numeric, one).Should().ContainSingle()
            .Which.Should().StartWith($"{largest.Parameter.Name}[{largest.Index}]:", "the largest gradient 5 % off must fail, and only it");
    }

    [Fact]
    public void Check_WrongGradient_IsDetected()
    {
        // The checker must be able to fail: corrupt one analytic gradient by 5 % and run the same comparison.
        var network = Network.Create(4, seed: 1).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);
        var data = MakeData(5, 3, Loss.SoftmaxCrossEntropy, seed: 2);
        GradientChecker.ComputeGradients(network, data, Loss.SoftmaxCrossEntropy);
        var analytic = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        GradientChecker.Compare(network, data, Loss.SoftmaxCrossEntropy, analytic).Should().BeEmpty("the true gradients pass");

        analytic[network.DenseLayers[0].Weight][3] *= 1.05f;

        GradientChecker.Compare(network, data, Loss.SoftmaxCrossEntropy, analytic)
            .Should().ContainSingle().Which.Should().StartWith("layers.0.weight[3]:");
    }

    private static Activation ActivationNamed(string name) => name switch
    {
        "Identity" => Activation.Identity,
        "ReLU" => Activation.ReLU,
        "LeakyReLU" => Activation.LeakyReLU(0.1f),
        "Sigmoid" => Activation.Sigmoid,
        "Tanh" => Activation.Tanh,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Dataset MakeData(int m, int outputs, Loss loss, int seed)
    {
        var random = new Xoshiro256StarStar(seed + 100);
        var x = Matrix<float>.Build.Dense(4, m, (_, _) => (float)Normal.Sample(random, 0, 1));
        if (loss == Loss.SoftmaxCrossEntropy)
        {
            return Dataset.ForClassification(x, Enumerable.Range(0, m).Select(j => j % outputs).ToArray(), outputs);
        }

        if (loss == Loss.BinaryCrossEntropy)
        {
            return Dataset.ForClassification(x, Enumerable.Range(0, m).Select(j => (j + 1) % 2).ToArray(), 2);
        }

        var y = Matrix<float>.Build.Dense(outputs, m, (_, _) => (float)random.NextDouble());
        return Dataset.ForRegression(x, y);
    }
}
