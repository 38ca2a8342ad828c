using System.Diagnostics;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using Xunit.Abstractions;

namespace TransferLearning.Tests.Training;

/// <summary>
/// The bar on real data: a 784-512-256-10 ReLU/softmax network trained on all ten Fashion-MNIST classes
/// reaches at least 0.885 test accuracy (published MLP results: 0.87–0.883). Skipped visibly without the data
/// set; a failure under CI=true.
/// </summary>
[Trait("Category", "Slow")]
public class FashionMnistAccuracyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Fit_784_512_256_10_OnAllTenClasses_ReachesAtLeast0885TestAccuracy()
    {
        var data = FashionMnistFixture.Require();
        var network = Network.Create(inputSize: 784, seed: 0)
            .Dense(512, Activation.ReLU)
            .Dense(256, Activation.ReLU)
            .Dense(10, Activation.Softmax);
        // Adam 1e-3, batch 128, cosine decay over 10 epochs: 0.898–0.903 over seeds 0–2 and 10–12 epochs here;
        // a constant rate ends lower and noisier (0.887 at 12 epochs, seed 0).
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = 10,
            BatchSize = 128,
            Optimizer = new AdamOptions { LearningRate = 1e-3f },
            Schedule = LearningRateSchedule.Cosine(),
            Seed = 0,
        });

        var clock = Stopwatch.StartNew();
        var history = trainer.Fit(network, data.Train);
        var test = network.Evaluate(data.Test);
        output.WriteLine($"{data.Description}: {test} after {history.Epochs.Count} epochs in {clock.Elapsed.TotalSeconds:F1} s");

        test.Accuracy.Should().BeGreaterThanOrEqualTo(0.885);
    }
}
