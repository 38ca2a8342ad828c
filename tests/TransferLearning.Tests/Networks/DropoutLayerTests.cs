using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

public class DropoutLayerTests
{
    [Fact]
    public void Predict_WithDropout_IsIdentityAtInference()
    {
        var network = Network.Create(3, seed: 1).Dense(4, Activation.Tanh).Dropout(0.5f).Dense(2, Activation.Softmax);
        var withoutDropout = Network.Create(3).Add(network.DenseLayers[0].Clone()).Add(network.DenseLayers[1].Clone());
        var x = Matrix<float>.Build.Dense(3, 5, (i, j) => i - j);

        network.Predict(x).ToColumnMajorArray().Should().Equal(withoutDropout.Predict(x).ToColumnMajorArray());
    }

    [Fact]
    public void Forward_InTraining_DropsAboutPAndScalesTheRestByOneOverOneMinusP()
    {
        // Dropout directly on the input of an identity layer W = I: A[2] = M ⊙ X.
        var network = Network.Create(100, seed: 2).Dropout(0.3f)
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(100), Vector<float>.Build.Dense(100), Activation.Identity));
        var x = Matrix<float>.Build.Dense(100, 50, 1f);
        var ws = GradientChecker.ComputeGradients(network, TransferLearning.Data.Dataset.ForRegression(x, x), Loss.MeanSquaredError);

        var output = ws.A[1].Take(100 * 50).ToArray();
        output.Should().OnlyContain(v => v == 0f || Math.Abs(v - (1f / 0.7f)) < 1e-6f);
        double dropped = output.Count(v => v == 0f) / 5000.0;
        dropped.Should().BeApproximately(0.3, 0.03);
        output.Average().Should().BeApproximately(1.0f, 0.05f, "inverted dropout keeps the expected value");
    }

    [Fact]
    public void Fit_WithDropout_SameSeedSameWeights()
    {
        var data = TestData.Blobs(perClass: 20);
        Network Train()
        {
            var network = Network.Create(2, seed: 5).Dense(16, Activation.ReLU).Dropout(0.5f).Dense(3, Activation.Softmax);
            new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 1 }).Fit(network, data);
            return network;
        }

        var a = Train();
        var b = Train();
        var unseeded = Network.Create(2, seed: 5).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8, Seed = 1 }).Fit(unseeded, data);

        a.Parameters.SelectMany(p => p.Values.ToArray()).Should().Equal(b.Parameters.SelectMany(p => p.Values.ToArray()));
        a.DenseLayers[1].Weight.Values.ToArray().Should().NotEqual(unseeded.DenseLayers[1].Weight.Values.ToArray(), "dropout changed the training");
    }

    [Fact]
    public void Builder_Dropout_NamesAndDescribesTheLayers()
    {
        var network = Network.Create(3, seed: 1).Dense(4, Activation.ReLU).Dropout(0.25f).Dense(2, Activation.Softmax);

        network.Layers.Should().HaveCount(3);
        network.Layers[1].Should().BeOfType<DropoutLayer>().Which.Rate.Should().Be(0.25f);
        network.Layers[1].ToString().Should().Be("Dropout(4, p = 0.25)");
        network.Parameters.Select(p => p.Name).Should().Equal("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
        network.DenseLayers.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void Dropout_RateOutsideZeroToOne_Throws(float rate) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Network.Create(3).Dropout(rate), "rate", "[0, 1)");
}
