using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>Auto scores candidates by held-out balanced accuracy, so a rare class counts as much as a common one.</summary>
public class AutoSelectionScoreTests
{
    // Nine examples of class 0 (x < 0, except one at +0.5) and one of class 1 (x = +1).
    private static readonly Dataset Holdout = Dataset.ForClassification(
        Matrix<float>.Build.DenseOfRowArrays([-1f, -0.9f, -0.8f, -0.7f, -0.6f, -0.5f, -0.4f, -0.3f, 0.5f, 1f]),
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    [Fact]
    public void Score_MeanIsBalancedAccuracy()
    {
        var network = Classifier(weight: [-1f, 1f], bias: [0f, 0f]); // class 1 when x > 0

        double[] score = AutoSelectionPolicy.Score(network, Holdout);

        score.Average().Should().BeApproximately(((8.0 / 9) + (1.0 / 1)) / 2, 1e-12, "class 0's recall is 8 of 9 and class 1's is 1 of 1 (plain accuracy would be 0.9)");
        score.Take(8).Should().AllSatisfy(s => s.Should().BeApproximately(10.0 / (2 * 9), 1e-12));
        score[8].Should().Be(0, "the one wrong answer scores nothing");
        score[9].Should().BeApproximately(10.0 / (2 * 1), 1e-12, "the rare class's one example weighs as much as the nine others together");
    }

    [Fact]
    public void Score_AlwaysTheCommonClass_ScoresOneHalf()
    {
        var network = Classifier(weight: [0f, 0f], bias: [1f, 0f]); // always class 0

        AutoSelectionPolicy.Score(network, Holdout).Average().Should().BeApproximately(0.5, 1e-12, "plain accuracy would be 0.9 for a network that never finds the rare class");
    }

    private static Network Classifier(float[] weight, float[] bias)
    {
        var network = Network.Create(1, seed: 0).Dense(2, Activation.Softmax);
        network.DenseLayers[0].Weight.SetValues(Matrix<float>.Build.Dense(2, 1, weight));
        network.DenseLayers[0].Bias.SetValues(Matrix<float>.Build.Dense(2, 1, bias));
        return network;
    }
}
