using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Networks;

/// <summary>Every bad input to building, predicting with and evaluating a network → a clear exception.</summary>
public class NetworkValidationTests
{
    private static Network Small() => Network.Create(2, seed: 1).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);

    [Fact]
    public void Predict_WrongRowCount_ThrowsNamingX() =>
        Throws.Argument<ArgumentException>(() => Small().Predict(Matrix<float>.Build.Dense(3, 4)), "x", "2 rows", "got 3");

    [Fact]
    public void PredictClasses_WrongRowCount_ThrowsNamingX() =>
        Throws.Argument<ArgumentException>(() => Small().PredictClasses(Matrix<float>.Build.Dense(1, 4)), "x", "2 rows", "got 1");

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Predict_NonFiniteInput_ThrowsNamingX(float bad, string shown)
    {
        var x = Matrix<float>.Build.Dense(2, 3);
        x[1, 2] = bad;

        Throws.Argument<ArgumentException>(() => Small().Predict(x), "x", "finite", shown, "example 2, feature 1");
    }

    [Fact]
    public void Predict_NoColumns_ThrowsNamingX() =>
        Throws.Argument<ArgumentException>(() => Small().Predict(Matrix<float>.Build.Dense(2, 0)), "x", "at least one column", "none");

    [Fact]
    public void Predict_Null_ThrowsArgumentNull() =>
        Throws.Argument<ArgumentNullException>(() => Small().Predict(null!), "x");

    [Fact]
    public void PredictAndEvaluate_NoLayers_ThrowInvalidOperation()
    {
        var empty = Network.Create(2);
        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(2, 2), [0, 1]);

        Throws.InvalidOperation(() => empty.Predict(Matrix<float>.Build.Dense(2, 1)), "no layers");
        Throws.InvalidOperation(() => empty.Evaluate(data), "no layers");
        Throws.InvalidOperation(() => _ = empty.OutputLayer, "no layers");
    }

    [Fact]
    public void Evaluate_WrongFeatureCount_ThrowsNamingData() =>
        Throws.Argument<ArgumentException>(
            () => Small().Evaluate(Dataset.ForClassification(Matrix<float>.Build.Dense(5, 2), [0, 1])), "data", "2 feature rows", "got 5");

    [Fact]
    public void Dense_AfterSoftmax_ThrowsInvalidOperation() =>
        Throws.InvalidOperation(() => Small().Dense(2, Activation.ReLU), "Softmax", "output layer");

    [Fact]
    public void Add_AfterSoftmax_ThrowsInvalidOperation()
    {
        var layer = DenseLayer.Create(2, 2, Activation.Identity, new Random(1));

        Throws.InvalidOperation(() => Small().Add(layer), "Softmax", "output layer");
    }

    [Fact]
    public void Add_LayerWithWrongInputSize_ThrowsNamingLayer()
    {
        var network = Network.Create(2).Dense(3, Activation.ReLU);

        Throws.Argument<ArgumentException>(() => network.Add(DenseLayer.Create(4, 1, Activation.Identity, new Random(1))), "layer", "3 inputs", "got 4");
    }

    [Fact]
    public void Add_SameLayerTwice_ThrowsNamingLayer()
    {
        var layer = DenseLayer.Create(2, 2, Activation.ReLU, new Random(1));
        var network = Network.Create(2).Add(layer);

        Throws.Argument<ArgumentException>(() => network.Add(layer), "layer", "already");
    }

    [Fact]
    public void CreateAndDense_SizeBelowOne_ThrowNamingTheSize()
    {
        Throws.Argument<ArgumentOutOfRangeException>(() => Network.Create(0), "inputSize", "at least 1", "got 0");
        Throws.Argument<ArgumentOutOfRangeException>(() => Network.Create(2).Dense(0, Activation.ReLU), "units", "at least 1", "got 0");
        Throws.Argument<ArgumentNullException>(() => Network.Create(2).Dense(1, null!), "activation");
    }

    [Theory]
    [InlineData(-0.1f, "-0.1")]
    [InlineData(1f, "got 1")]
    [InlineData(2.5f, "2.5")]
    [InlineData(float.NaN, "NaN")]
    public void LeakyReLU_SlopeOutsideZeroToOne_ThrowsNamingSlope(float slope, string shown) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Activation.LeakyReLU(slope), "slope", "[0, 1)", shown);

    [Fact]
    public void FromWeights_BiasLengthDiffers_ThrowsNamingBias() =>
        Throws.Argument<ArgumentException>(
            () => DenseLayer.FromWeights(Matrix<float>.Build.Dense(3, 2), Vector<float>.Build.Dense(2), Activation.ReLU), "bias", "length 3", "got 2");

    [Fact]
    public void FromWeights_NonFiniteWeight_ThrowsNamingWeight()
    {
        var w = Matrix<float>.Build.Dense(3, 2);
        w[2, 1] = float.NaN;

        Throws.Argument<ArgumentException>(() => DenseLayer.FromWeights(w, Vector<float>.Build.Dense(3), Activation.ReLU), "weight", "NaN", "row 2, column 1");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void RemoveTopLayers_CountOutOfRange_ThrowsNamingCount(int count) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Small().RemoveTopLayers(count), "count", "between 1 and 2", $"got {count}");

    [Fact]
    public void SetValues_WrongShape_ThrowsNamingValues() =>
        Throws.Argument<ArgumentException>(
            () => Small().DenseLayers[0].Weight.SetValues(Matrix<float>.Build.Dense(2, 3)), "values", "3 × 2", "layers.0.weight", "got 2 × 3");

    [Fact]
    public void Backend_SetToNull_ThrowsArgumentNull() =>
        Throws.Argument<ArgumentNullException>(() => Small().TrainingBackend = null!, "value");
}
