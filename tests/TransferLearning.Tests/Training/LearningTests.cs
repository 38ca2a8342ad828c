using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>End-to-end: small networks learn small problems to a threshold.</summary>
public class LearningTests
{
    [Fact]
    public void Fit_XorWithSoftmaxOutput_ClassifiesAllFourPoints()
    {
        var xor = SyntheticData.Xor();
        var network = Network.Create(2, seed: 1).Dense(8, Activation.Tanh).Dense(2, Activation.Softmax);

        var history = new Trainer(new TrainingOptions { Epochs = 300, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 0.05f } }).Fit(network, xor);

        network.PredictClasses(xor.Features).Should().Equal(0, 1, 1, 0);
        network.Evaluate(xor).Accuracy.Should().Be(1.0);
        history.Last.TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss / 10);
    }

    [Fact]
    public void Fit_XorWithSigmoidOutput_ClassifiesAllFourPoints()
    {
        // One sigmoid unit + binary cross-entropy: label 1 must mean a → 1.
        var xor = SyntheticData.Xor();
        var network = Network.Create(2, seed: 1).Dense(8, Activation.Tanh).Dense(1, Activation.Sigmoid);

        new Trainer(new TrainingOptions { Epochs = 300, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 0.05f } }).Fit(network, xor);

        network.PredictClasses(xor.Features).Should().Equal(0, 1, 1, 0);
        var probabilities = network.Predict(xor.Features).Row(0).ToArray();
        probabilities[1].Should().BeGreaterThan(0.9f, "(0, 1) is class 1");
        probabilities[0].Should().BeLessThan(0.1f, "(0, 0) is class 0");
    }

    [Fact]
    public void Fit_TwoSpiralsWithReluAndSgdMomentum_ReachesNinetyFivePercentOnHeldOutSplit()
    {
        var (train, test) = SyntheticData.Spirals(perClass: 300, seed: 5).Split(0.75, seed: 6);
        var network = Network.Create(2, seed: 4).Dense(48, Activation.ReLU).Dense(48, Activation.ReLU).Dense(2, Activation.Softmax);
        var options = new TrainingOptions
        {
            Epochs = 40,
            BatchSize = 16,
            Optimizer = new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, Nesterov = true },
            Schedule = LearningRateSchedule.Cosine(),
            Seed = 1,
        };

        var history = new Trainer(options).Fit(network, train);

        network.Evaluate(test).Accuracy.Should().BeGreaterThanOrEqualTo(0.95);
        history.Last.TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void Fit_LinearRegression_LossFallsAndFitsTheLine()
    {
        var data = TestData.Linear(200, seed: 3);
        var network = Network.Create(2, seed: 2).Dense(1, Activation.Identity);

        var history = new Trainer(new TrainingOptions { Epochs = 40, BatchSize = 10, Optimizer = new SgdOptions { LearningRate = 0.1f } }).Fit(network, data);

        history.Last.TrainLoss.Should().BeLessThan(1e-3);
        history.Last.TrainAccuracy.Should().BeNull();
        var w = network.DenseLayers[0].Weight.Values.ToArray();
        w[0].Should().BeApproximately(2f, 0.02f);
        w[1].Should().BeApproximately(-1f, 0.02f);
        network.DenseLayers[0].Bias.Values[0].Should().BeApproximately(0.5f, 0.02f);
    }
}
