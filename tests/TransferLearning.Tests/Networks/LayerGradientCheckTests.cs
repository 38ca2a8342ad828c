using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>Finite-difference checks of the dropout and batch-normalisation layers, alone and between dense layers.</summary>
public class LayerGradientCheckTests
{
    public static TheoryData<string, int> Stacks()
    {
        var data = new TheoryData<string, int>();
        foreach (var stack in new[] { "Dropout", "BatchNorm", "Dense-Dropout-Dense", "Dense-BatchNorm-Dense", "Dense-BatchNorm-Dropout-Dense", "Dense-FrozenBatchNorm-Dense" })
        {
            foreach (int batch in new[] { 1, 6 })
            {
                data.Add(stack, batch);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Backward_DropoutAndBatchNorm_MatchCentralDifferences(string stack, int batch)
    {
        var network = Build(stack);
        var data = Data(batch);

        var failures = GradientChecker.Check(network, data, Loss.SoftmaxCrossEntropy);

        failures.Should().BeEmpty("the backward pass of {0} must match central differences at batch {1}", stack, batch);
    }

    [Fact]
    public void TrainingLoss_WithDropout_DiffersFromInferenceLoss()
    {
        // The check above must see dropout at work: its training-mode loss is not the inference loss.
        var network = Build("Dense-Dropout-Dense");
        var data = Data(6);

        double training = GradientChecker.TrainingLoss(network, data, Loss.SoftmaxCrossEntropy);

        training.Should().NotBe(network.Evaluate(data).Loss);
        GradientChecker.TrainingLoss(network, data, Loss.SoftmaxCrossEntropy).Should().Be(training, "a fresh step draws the same mask");
    }

    private static Network Build(string stack)
    {
        var network = Network.Create(4, seed: 3);
        foreach (var kind in stack.Split('-'))
        {
            _ = kind switch
            {
                "Dense" => network.Dense(5, Activation.Tanh),
                "Dropout" => network.Dropout(0.4f),
                "BatchNorm" => network.BatchNorm(),
                "FrozenBatchNorm" => FrozenBatchNorm(network),
                _ => throw new ArgumentOutOfRangeException(nameof(stack)),
            };
        }

        network.Dense(3, Activation.Softmax);
        network.Backend = ComputeBackend.Managed;
        return network;
    }

    private static Network FrozenBatchNorm(Network network)
    {
        network.BatchNorm();
        var bn = (BatchNormLayer)network.Layers[^1];
        bn.RunningMean.SetValues(Matrix<float>.Build.Dense(bn.InputSize, 1, (i, _) => 0.1f * i));
        bn.RunningVariance.SetValues(Matrix<float>.Build.Dense(bn.InputSize, 1, (i, _) => 0.5f + (0.2f * i)));
        bn.Freeze();
        return network;
    }

    private static Dataset Data(int m)
    {
        var random = new Xoshiro256StarStar(m + 40);
        var x = Matrix<float>.Build.Dense(4, m, (_, _) => (float)Normal.Sample(random, 0, 1));
        return Dataset.ForClassification(x, Enumerable.Range(0, m).Select(j => j % 3).ToArray(), 3);
    }
}
