using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Training.Losses;

namespace TransferLearning.Tests.Training;

/// <summary>
/// <see cref="ClassWeighting.Balanced"/>: the weights, the weighted loss and its gradient against finite differences,
/// reproducibility, and a 1-in-21 target whose rare class only a weighted (or re-thresholded) network predicts.
/// </summary>
public class ClassWeightingTests
{
    [Fact]
    public void Balanced_Weights_AreInverseFrequencyAveragingOne()
    {
        // Counts 3, 1 and none of class 2 among m = 4, k' = 2 present: w_0 = 4 / (2·3), w_1 = 4 / (2·1), w_2 = 1.
        var train = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4), [0, 0, 1, 0], 3);

        var loss = ClassWeightedLoss.Balanced(Loss.SoftmaxCrossEntropy, train, 3);

        loss.Weights.Should().Equal(2f / 3, 2f, 1f);
        train.Labels.Average(y => (double)loss.Weights[y]).Should().BeApproximately(1, 1e-6);
        loss.Name.Should().Be("SoftmaxCrossEntropy with balanced class weights");
    }

    [Theory]
    [InlineData("Softmax+CE", 1)]
    [InlineData("Softmax+CE", 6)]
    [InlineData("Sigmoid+BCE", 1)]
    [InlineData("Sigmoid+BCE", 6)]
    [InlineData("Softmax+MSE", 6)]
    [InlineData("Identity+MSE", 6)]
    public void WeightedLoss_IsTheWeightedMean_AndItsGradientMatchesCentralDifferences(string output, int batch)
    {
        var (activation, inner, units) = output switch
        {
            "Softmax+CE" => (Activation.Softmax, Loss.SoftmaxCrossEntropy, 3),
            "Sigmoid+BCE" => (Activation.Sigmoid, Loss.BinaryCrossEntropy, 1),
            "Softmax+MSE" => (Activation.Softmax, Loss.MeanSquaredError, 3),
            _ => (Activation.Identity, Loss.MeanSquaredError, 3),
        };
        int classes = units == 1 ? 2 : units;
        var network = Network.Create(4, seed: 3).Dense(5, Activation.Tanh).Dense(units, activation);
        network.TrainingBackend = ComputeBackend.Managed;
        var random = new Xoshiro256StarStar(batch);
        var x = Matrix<float>.Build.Dense(4, batch, (_, _) => (float)Normal.Sample(random, 0, 1));
        int[] labels = Enumerable.Range(0, batch).Select(j => j % 5 == 4 ? 1 : (j % 5 == 3 && classes == 3 ? 2 : 0)).ToArray();
        var data = Dataset.ForClassification(x, labels, classes);
        var weighted = ClassWeightedLoss.Balanced(inner, Dataset.ForClassification(Matrix<float>.Build.Dense(1, 7), [0, 0, 0, 0, 0, 1, classes - 1], classes), units);

        // J = (1/m)·Σ_j w_{y_j}·L_j, from the per-example unweighted losses.
        double expected = Enumerable.Range(0, batch).Sum(j =>
            weighted.Weights[labels[j]] * GradientChecker.TrainingLoss(network, data.Subset([j]), inner)) / batch;
        GradientChecker.TrainingLoss(network, data, weighted).Should().BeApproximately(expected, 1e-6);

        GradientChecker.Check(network, data, weighted).Should().BeEmpty("the weighted gradient must match central differences of the weighted loss ({0}, batch {1})", output, batch);

        // The unweighted gradient fails the same check: the weights are not vacuous.
        GradientChecker.ComputeGradients(network, data, inner);
        var unweighted = network.Parameters.ToDictionary(p => p, p => p.Gradients.ToArray());
        GradientChecker.Compare(network, data, weighted, unweighted).Should().NotBeEmpty();
    }

    [Fact]
    public void Fit_Balanced_IsReproducibleAndDiffersFromUnweighted()
    {
        var (train, _) = RareClassTarget(positives: 10, seed: 1);
        float[] Weights(ClassWeighting weighting)
        {
            var network = RareClassNetwork();
            new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 4, ClassWeighting = weighting }).Fit(network, train, train);
            return [.. network.Parameters.SelectMany(p => p.Data)];
        }

        Weights(ClassWeighting.Balanced).Should().Equal(Weights(ClassWeighting.Balanced));
        Weights(ClassWeighting.Balanced).Should().NotEqual(Weights(ClassWeighting.None));
    }

    [Fact]
    public void Fit_Regression_IgnoresClassWeighting()
    {
        var x = Matrix<float>.Build.Dense(2, 30, (i, j) => ((i + 1) * j % 7) / 7f);
        var data = Dataset.ForRegression(x, Matrix<float>.Build.Dense(1, 30, (_, j) => j % 3));
        float[] Weights(ClassWeighting weighting)
        {
            var network = Network.Create(2, seed: 2).Dense(4, Activation.Tanh).Dense(1, Activation.Identity);
            new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, ClassWeighting = weighting }).Fit(network, data);
            return [.. network.Parameters.SelectMany(p => p.Data)];
        }

        Weights(ClassWeighting.Balanced).Should().Equal(Weights(ClassWeighting.None));
    }

    [Fact]
    public void Fit_OneInTwentyOne_BalancedWeightsPredictTheRareClass_WhereUnweightedTrainingDoesNot()
    {
        var (train, test) = RareClassTarget(positives: 100, seed: 7);
        double BalancedAccuracy(ClassWeighting weighting, out Network network)
        {
            network = RareClassNetwork();
            new Trainer(new TrainingOptions { Epochs = 15, BatchSize = 32, Seed = 1, ClassWeighting = weighting }).Fit(network, train);
            return TransferMetric.BalancedAccuracy.Score(network.Predict(test.Features), test);
        }

        double unweighted = BalancedAccuracy(ClassWeighting.None, out var plain);
        double balanced = BalancedAccuracy(ClassWeighting.Balanced, out _);

        unweighted.Should().BeLessThan(0.6, "trained on the plain mean, the network all but never predicts the rare class");
        balanced.Should().BeGreaterThan(0.7, "weighted, the rare class counts as much as the common one");

        // The plain network with a threshold chosen on held-out data: the same gain without retraining.
        var (holdout, _) = RareClassTarget(positives: 50, seed: 8);
        var (threshold, _) = DecisionThreshold.Choose(plain.Predict(holdout.Features), holdout, TransferMetric.BalancedAccuracy);
        threshold.Should().BeLessThan(0.5);
        var predicted = plain.PredictClasses(test.Features, threshold);
        ClassificationReport.From(test.Labels.ToArray(), predicted.Select(c => (float)c).ToArray(), 2).BalancedAccuracy.Should().BeGreaterThan(0.7);
    }

    /// <summary>
    /// A 1-in-21 detector: 20 negatives per positive, the negatives around (0, 0), the positives around (1, 1), unit
    /// variance. The classes overlap (the means are √2 σ apart), so a network trained on the plain mean fires only
    /// above about 2.8 σ along the diagonal (the prior 1/21 moves the boundary), where few positives lie.
    /// </summary>
    private static (Dataset Train, Dataset Test) RareClassTarget(int positives, int seed)
    {
        Dataset Draw(int count, Random random)
        {
            int m = count * 21;
            var labels = Enumerable.Range(0, m).Select(j => j % 21 == 0 ? 1 : 0).ToArray();
            var x = Matrix<float>.Build.Dense(2, m, (_, j) => (float)Normal.Sample(random, labels[j], 1));
            return Dataset.ForClassification(x, labels, 2);
        }

        var random = new Xoshiro256StarStar(seed);
        return (Draw(positives, random), Draw(positives, random));
    }

    private static Network RareClassNetwork()
    {
        var network = Network.Create(2, seed: 5).Dense(8, Activation.Tanh).Dense(1, Activation.Sigmoid);
        network.TrainingBackend = ComputeBackend.Managed;
        return network;
    }
}
