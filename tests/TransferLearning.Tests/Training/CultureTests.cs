using System.Globalization;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Messages and descriptions are formatted with the invariant culture, whatever the thread's culture.</summary>
public class CultureTests
{
    [Fact]
    public void Messages_UnderGermanCulture_UseInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            1.5.ToString(CultureInfo.CurrentCulture).Should().Be("1,5", "the test runs under a culture with a decimal comma");
            var network = Network.Create(2, seed: 1).Dense(16, Activation.ReLU).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
            var options = new TrainingOptions { Epochs = 20, BatchSize = 4, Optimizer = new AdamOptions { LearningRate = 1e4f } };

            var exception = FluentActions.Invoking(() => new Trainer(options).Fit(network, TestData.Blobs(perClass: 20, seed: 2)))
                .Should().Throw<TrainingDivergedException>().Which;

            exception.Message.Should().Contain(exception.Loss.ToString("G4", CultureInfo.InvariantCulture));
            exception.Message.Should().Contain(exception.LossLimit!.Value.ToString("G4", CultureInfo.InvariantCulture));
            Network.Create(784).Dense(512, Activation.ReLU).Dropout(0.5f).BatchNorm().ToString().Should()
                .Contain("Dense(784 → 512, ReLU) [401,920 params]").And.Contain("Dropout(512, p = 0.5)").And.Contain("BatchNorm(512) [1,024 params]");
            new Evaluation { Loss = 0.25, Accuracy = 0.875, Count = 8 }.ToString().Should().NotContain("0,25").And.NotContain("87,5");
            new AdamOptions { LearningRate = 1e-3f, WeightDecay = 0.01f }.ToString().Should().Be("Adam(lr 0.001, β1 0.9, β2 0.999, weight decay 0.01)");
            new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f, WeightDecay = 0.001f }.ToString().Should().Be("SGD(lr 0.05, momentum 0.9, weight decay 0.001)");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
