using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

public class BatchNormLayerTests
{
    [Fact]
    public void Forward_InTraining_NormalisesEachFeatureAndMovesTheRunningStatistics()
    {
        // One feature, batch (1, 2, 3): μ = 2, σ² = 2/3, unbiased 1; x̂ = (x − 2)/√(2/3 + ε).
        var network = Network.Create(1, seed: 1).BatchNorm(momentum: 0.5f)
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(1), Vector<float>.Build.Dense(1), Activation.Identity));
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 2f, 3f } });
        var ws = GradientChecker.ComputeGradients(network, Dataset.ForRegression(x, x), Loss.MeanSquaredError);

        double s = Math.Sqrt((2.0 / 3) + 1e-5);
        ws.A[0].Take(3).Select(v => (double)v).Should().Equal([-1 / s, 0, 1 / s], (a, e) => Math.Abs(a - e) < 1e-5);
        var bn = (BatchNormLayer)network.Layers[0];
        bn.RunningMean.Values[0].Should().BeApproximately(0.5f * 2f, 1e-6f, "μ_run = 0.5·0 + 0.5·2");
        bn.RunningVariance.Values[0].Should().BeApproximately((0.5f * 1f) + (0.5f * 1f), 1e-6f, "σ²_run = 0.5·1 + 0.5·(unbiased 1)");
    }

    [Fact]
    public void Forward_InTrainingOnOneColumn_NormalisesWithTheRunningStatisticsAndStillTrainsScaleAndShift()
    {
        // A batch of one has σ² = 0: batch statistics would map every input to β. The running ones (μ 1, σ² 4) serve instead.
        var network = Network.Create(1, seed: 1).BatchNorm()
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(1), Vector<float>.Build.Dense(1), Activation.Identity));
        var bn = (BatchNormLayer)network.Layers[0];
        bn.RunningMean.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 1f } }));
        bn.RunningVariance.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 4f } }));
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 5f } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0f } });

        var ws = GradientChecker.ComputeGradients(network, Dataset.ForRegression(x, y), Loss.MeanSquaredError);

        double xHat = 4 / Math.Sqrt(4 + 1e-5);
        ((double)ws.A[0][0]).Should().BeApproximately(xHat, 1e-5, "x̂ = (5 − μ_run)/√(σ²_run + ε), γ = 1, β = 0");
        bn.RunningMean.Values[0].Should().Be(1f, "a batch of one leaves the running mean as it is");
        bn.RunningVariance.Values[0].Should().Be(4f, "and the running variance");
        bn.Scale.Gradient[0].Should().NotBe(0f, "γ still learns from the example");
        bn.Shift.Gradient[0].Should().NotBe(0f, "β too");
    }

    [Fact]
    public void Predict_UsesTheRunningStatistics()
    {
        var network = Network.Create(2, seed: 1).BatchNorm()
            .Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(2), Vector<float>.Build.Dense(2), Activation.Identity));
        var bn = (BatchNormLayer)network.Layers[0];
        bn.RunningMean.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 1f }, { -2f } }));
        bn.RunningVariance.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 4f }, { 0.25f } }));
        bn.Scale.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 2f }, { 1f } }));
        bn.Shift.SetValues(Matrix<float>.Build.DenseOfArray(new float[,] { { 0.5f }, { 0f } }));

        var y = network.Predict(Matrix<float>.Build.DenseOfArray(new float[,] { { 3f }, { -1f } }));

        y[0, 0].Should().BeApproximately((2f * (3f - 1f) / MathF.Sqrt(4f + 1e-5f)) + 0.5f, 1e-5f);
        y[1, 0].Should().BeApproximately((-1f + 2f) / MathF.Sqrt(0.25f + 1e-5f), 1e-5f);
    }

    [Fact]
    public void Fit_FrozenBatchNorm_KeepsRunningStatisticsScaleAndShiftBitIdentical()
    {
        var data = TestData.Blobs(perClass: 30, features: 4);
        var network = Network.Create(4, seed: 2).Dense(8, Activation.ReLU).BatchNorm().Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 16 }).Fit(network, data); // non-trivial statistics
        var bn = (BatchNormLayer)network.Layers[1];
        bn.Freeze();
        var before = bn.Parameters.Concat(bn.Buffers).Select(p => p.Values.ToArray()).ToArray();
        before[2].Should().Contain(v => v != 0f, "pretraining moved the running mean");

        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 16, Optimizer = new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 0.01f } }).Fit(network, data);

        var after = bn.Parameters.Concat(bn.Buffers).Select(p => p.Values.ToArray()).ToArray();
        for (int i = 0; i < before.Length; i++)
        {
            after[i].Should().Equal(before[i], "γ, β, μ_run and σ²_run of a frozen batch norm stay bit-identical ({0})", i);
        }

        network.DenseLayers[0].Weight.Gradients.ToArray().Should().Contain(g => g != 0f, "the layer below still trains through the frozen batch norm");
    }

    [Fact]
    public void Builder_BatchNorm_NamesParametersAndBuffersLikePyTorch()
    {
        var network = Network.Create(3, seed: 1).Dense(4, Activation.ReLU).BatchNorm().Dense(2, Activation.Softmax);

        network.Parameters.Select(p => p.Name).Should().Equal(
            "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias");
        network.Buffers.Select(p => p.Name).Should().Equal("layers.1.running_mean", "layers.1.running_var");
        network.Layers[1].ToString().Should().Be("BatchNorm(4) [8 params]");
        network.ParameterCount.Should().Be((4 * 3) + 4 + 8 + (2 * 4) + 2);
    }

    [Fact]
    public void Clone_BatchNorm_CopiesStatisticsAndFreezing()
    {
        var network = Network.Create(3, seed: 1).Dense(4, Activation.ReLU).BatchNorm().Dense(2, Activation.Softmax);
        var bn = (BatchNormLayer)network.Layers[1];
        bn.RunningMean.SetValues(Matrix<float>.Build.Dense(4, 1, 0.5f));
        bn.Freeze();

        var copy = (BatchNormLayer)network.Clone().Layers[1];

        copy.RunningMean.Values.ToArray().Should().Equal(bn.RunningMean.Values.ToArray());
        copy.IsFrozen.Should().BeTrue();
        copy.RunningMean.Name.Should().Be("layers.1.running_mean");
        copy.RunningMean.SetValues(Matrix<float>.Build.Dense(4, 1, 9f));
        bn.RunningMean.Values.ToArray().Should().NotContain(9f);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    public void BatchNorm_MomentumOutsideZeroToOne_Throws(float momentum) =>
        Throws.Argument<ArgumentOutOfRangeException>(() => Network.Create(3).BatchNorm(momentum), "momentum", "(0, 1]");
}
