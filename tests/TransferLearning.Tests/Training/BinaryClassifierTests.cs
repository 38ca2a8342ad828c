using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>A 2-class data set on a network ending in one sigmoid unit: a = σ(z) = P(class 1), class 1 when a ≥ 0.5.</summary>
public class BinaryClassifierTests
{
    // One input, a = σ(1·x + 0): the pre-activation is the input itself.
    private static readonly float[] Inputs = [2f, -1f, 0f, 3f];
    private static readonly int[] Labels = [1, 0, 1, 0];

    [Fact]
    public void Evaluate_OneSigmoidUnitOnFixedWeights_MatchesHandComputedLossAndAccuracy()
    {
        var network = Identity();
        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4, Inputs), Labels);

        var evaluation = network.Evaluate(data);

        // a = σ(2) = 0.88 → 1 (right), σ(−1) = 0.27 → 0 (right), σ(0) = 0.5 → 1 (right, a ≥ 0.5), σ(3) = 0.95 → 1 (wrong).
        evaluation.Accuracy.Should().Be(0.75);

        // L = −y·log a − (1 − y)·log(1 − a) = softplus(−z) for y = 1 and softplus(z) for y = 0.
        double expected = (Softplus(-2) + Softplus(-1) + Softplus(0) + Softplus(3)) / 4;
        evaluation.Loss.Should().BeApproximately(expected, 1e-6);
    }

    [Fact]
    public void PredictClasses_OneSigmoidUnit_IsOneWhereTheOutputIsAtLeastHalf()
    {
        Identity().PredictClasses(Matrix<float>.Build.Dense(1, 4, Inputs)).Should().Equal(1, 0, 1, 1);
    }

    [Fact]
    public void ComputeGradients_OneSigmoidUnitWithLabels_GivesTheMeanOfAMinusYTimesX()
    {
        var network = Identity();
        var batch = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 2, [2f, -1f]), [1, 0]);
        var step = new TrainingStep(network, batchCapacity: 2);

        double loss = step.ComputeGradients(batch);

        // dZ = A − Y = (σ(2) − 1, σ(−1) − 0); dW = (1/m)·dZ·Xᵀ, db = (1/m)·Σ dZ.
        double dz0 = Sigmoid(2) - 1;
        double dz1 = Sigmoid(-1);
        step.Loss.Should().Be(Loss.BinaryCrossEntropy);
        loss.Should().BeApproximately((Softplus(-2) + Softplus(-1)) / 2, 1e-6);
        network.DenseLayers[0].Weight.Gradients[0].Should().BeApproximately((float)(((dz0 * 2) + (dz1 * -1)) / 2), 1e-6f);
        network.DenseLayers[0].Bias.Gradients[0].Should().BeApproximately((float)((dz0 + dz1) / 2), 1e-6f);
    }

    [Fact]
    public void Fit_SeparableTwoClassesOnOneSigmoidUnit_LossFallsAndAccuracyPassesThreshold()
    {
        var (train, test) = TestData.Blobs(perClass: 60, classes: 2, features: 4, seed: 3).Split(0.75, seed: 4);
        var network = Network.Create(4, seed: 2).Dense(8, Activation.ReLU).Dense(1, Activation.Sigmoid);

        var history = new Trainer(new TrainingOptions { Epochs = 20, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = 1 }).Fit(network, train, test);

        history.Last.TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss / 2);
        history.Last.TrainAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        history.Last.ValidationAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        network.Evaluate(test).Accuracy.Should().Be(history.Last.ValidationAccuracy);
    }

    private static Network Identity() => Network.Create(1)
        .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(1), Vector<float>.Build.Dense(1), Activation.Sigmoid));

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Softplus(double z) => Math.Log(1 + Math.Exp(z));
}
