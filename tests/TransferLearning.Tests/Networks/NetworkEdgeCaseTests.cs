using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>Bad input a user could try: each gets a clear error.</summary>
public class NetworkEdgeCaseTests
{
    [Fact]
    public void Dense_WeightCountOverflowingAnArray_ThrowsNamingUnits() =>
        Throws.Argument<ArgumentOutOfRangeException>(
            () => Network.Create(65_536).Dense(65_537, Activation.ReLU), "units", "at most 2,147,483,591 weights", "65,537 units × 65,536 inputs is 4,295,032,832");

    [Fact]
    public void DenseLayerCreate_WeightCountOverflowingAnArray_ThrowsNamingOutputSize() =>
        Throws.Argument<ArgumentOutOfRangeException>(
            () => DenseLayer.Create(65_536, 65_537, Activation.ReLU, new Random(1)), "outputSize", "at most");

    [Fact]
    public void LayerSpecParameterCount_HugeSizes_DoesNotOverflow() =>
        LayerSpec.Dense(65_537, Activation.ReLU).ParameterCount(int.MaxValue).Should().Be(65_537L * (int.MaxValue + 1L));

    [Fact]
    public void Dense_OneUnitSoftmax_IsRejected()
    {
        Throws.Argument<ArgumentException>(() => Network.Create(3).Dense(1, Activation.Softmax), "units", "at least 2 units", "Softmax", "Sigmoid");
        Throws.Argument<ArgumentException>(() => LayerSpec.Dense(1, Activation.Softmax), "units", "at least 2 units");
        Throws.Argument<ArgumentException>(
            () => DenseLayer.FromWeights(Matrix<float>.Build.Dense(1, 3), Vector<float>.Build.Dense(1), Activation.Softmax), "weight", "at least 2 units");
    }

    [Fact]
    public void Predict_FiniteInputsOverflowingInsideTheNetwork_ThrowsNamingX()
    {
        const float value = 3e38f;
        var network = Network.Create(4, seed: 1).Dense(8, Activation.ReLU).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);
        var x = Matrix<float>.Build.Dense(4, 2, value);

        Throws.Argument<ArgumentException>(() => network.Predict(x), "x", "outputs are finite", "example 0", "overflowed inside the network");
    }

    [Fact]
    public void Evaluate_FiniteInputsOverflowingInsideTheNetwork_ThrowsInsteadOfReportingNaN()
    {
        var network = Network.Create(4, seed: 1).Dense(8, Activation.ReLU).Dense(8, Activation.ReLU).Dense(3, Activation.Softmax);
        var x = Matrix<float>.Build.Dense(4, 6, (i, j) => j == 4 ? 3e38f : 1f);
        var data = Dataset.ForClassification(x, [0, 1, 2, 0, 1, 2], 3);

        Throws.Argument<ArgumentException>(() => network.Evaluate(data), "data", "example 4", "overflowed inside the network");
    }
}
