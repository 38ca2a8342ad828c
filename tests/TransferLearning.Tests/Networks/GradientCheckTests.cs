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

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_ThreeLayerNetwork_MatchesCentralDifferences(string hidden, string output, int batch)
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
        var data = MakeData(batch, outputs, loss, seed: batch);

        var failures = GradientChecker.Check(network, data, loss);

        failures.Should().BeEmpty("the backward pass must match central differences for {0} hidden, {1} output, batch {2}", hidden, output, batch);
    }

    [Fact]
    public void Check_WrongGradient_IsDetected()
    {
        // The checker must be able to fail: corrupt one analytic gradient and run the same comparison.
        var network = Network.Create(4, seed: 1).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax);
        var data = MakeData(5, 3, Loss.SoftmaxCrossEntropy, seed: 2);
        GradientChecker.ComputeGradients(network, data, Loss.SoftmaxCrossEntropy);
        var analytic = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        GradientChecker.Compare(network, data, Loss.SoftmaxCrossEntropy, analytic).Should().BeEmpty("the true gradients pass");

        analytic[network.DenseLayers[0].Weight][3] = (analytic[network.DenseLayers[0].Weight][3] * 1.1f) + 1e-3f;

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
