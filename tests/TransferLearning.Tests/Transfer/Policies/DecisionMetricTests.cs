using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// What the policies score candidates on: the target's metric (balanced accuracy where a class is rare, so a rare
/// class counts as much as a common one), and the smooth tie-breaker.
/// </summary>
public class DecisionMetricTests
{
    // Nine examples of class 0 (x < 0, except one at +0.5) and one of class 1 (x = +1).
    private static readonly Dataset Holdout = Dataset.ForClassification(
        Matrix<float>.Build.DenseOfRowArrays([-1f, -0.9f, -0.8f, -0.7f, -0.6f, -0.5f, -0.4f, -0.3f, 0.5f, 1f]),
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    [Fact]
    public void BalancedAccuracy_IsTheMeanOfTheRecalls()
    {
        var network = Classifier(weight: [-1f, 1f], bias: [0f, 0f]); // class 1 when x > 0

        DecisionMetric.BalancedAccuracy.Score(network.Predict(Holdout.Features), Holdout)
            .Should().BeApproximately(((8.0 / 9) + (1.0 / 1)) / 2, 1e-12, "class 0's recall is 8 of 9 and class 1's is 1 of 1 (plain accuracy would be 0.9)");
    }

    [Fact]
    public void BalancedAccuracy_AlwaysTheCommonClass_ScoresOneHalf()
    {
        var network = Classifier(weight: [0f, 0f], bias: [1f, 0f]); // always class 0

        DecisionMetric.BalancedAccuracy.Score(network.Predict(Holdout.Features), Holdout).Should().BeApproximately(0.5, 1e-12, "plain accuracy would be 0.9 for a network that never finds the rare class");
    }

    [Fact]
    public void For_ARareClass_IsBalancedAccuracy_OtherwiseAccuracy_AndRSquaredForRegression()
    {
        var features = Matrix<float>.Build.Dense(1, 21);
        DecisionMetric.For(Dataset.ForClassification(features, [.. Enumerable.Repeat(0, 20), 1])).Name.Should().Be("balanced accuracy", "1 in 21 is under 10 %");
        DecisionMetric.For(Dataset.ForClassification(features, [.. Enumerable.Range(0, 21).Select(i => i % 3)])).Name.Should().Be("accuracy");
        DecisionMetric.For(Dataset.ForRegression(features, Matrix<float>.Build.Dense(1, 21, (_, j) => j))).Name.Should().Be("R²");
    }

    [Fact]
    public void Accuracy_And_RSquared_MatchHandComputedValues()
    {
        var three = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4), [0, 1, 2, 2]);
        var outputs = Matrix<float>.Build.DenseOfColumnArrays([0.8f, 0.1f, 0.1f], [0.6f, 0.3f, 0.1f], [0.1f, 0.2f, 0.7f], [0.2f, 0.5f, 0.3f]);
        DecisionMetric.For(three).Score(outputs, three).Should().Be(0.5, "examples 0 and 2 are right, 1 and 3 wrong");

        var regression = Dataset.ForRegression(Matrix<float>.Build.Dense(1, 4), Matrix<float>.Build.DenseOfRowArrays([1f, 2f, 3f, 4f]));
        var predicted = Matrix<float>.Build.DenseOfRowArrays([1f, 2f, 3f, 5f]);
        DecisionMetric.For(regression).Score(predicted, regression).Should().BeApproximately(1 - (1.0 / 5), 1e-6, "the squared error is 1 against a total of 5 about the mean 2.5");
    }

    [Fact]
    public void TrueClassProbability_WeighsEachClassEqually_AndReadsOneSigmoidUnit()
    {
        var three = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4), [0, 1, 2, 2]);
        var outputs = Matrix<float>.Build.DenseOfColumnArrays([0.8f, 0.1f, 0.1f], [0.6f, 0.3f, 0.1f], [0.1f, 0.2f, 0.7f], [0.2f, 0.5f, 0.3f]);
        DecisionMetric.TrueClassProbability(outputs, three).Should().BeApproximately((0.8 + 0.3 + ((0.7 + 0.3) / 2)) / 3, 1e-6);

        var binary = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 3), [0, 0, 1]);
        var sigmoid = Matrix<float>.Build.DenseOfRowArrays([0.2f, 0.4f, 0.9f]);
        DecisionMetric.TrueClassProbability(sigmoid, binary).Should().BeApproximately((((0.8 + 0.6) / 2) + 0.9) / 2, 1e-6, "class 0's probability is 1 − a");
    }

    private static Network Classifier(float[] weight, float[] bias)
    {
        var network = Network.Create(1, seed: 0).Dense(2, Activation.Softmax);
        network.DenseLayers[0].Weight.SetValues(Matrix<float>.Build.Dense(2, 1, weight));
        network.DenseLayers[0].Bias.SetValues(Matrix<float>.Build.Dense(2, 1, bias));
        return network;
    }
}
