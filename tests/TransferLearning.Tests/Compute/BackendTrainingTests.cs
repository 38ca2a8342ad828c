using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Compute;

/// <summary>The backend changes the speed, not the result: training on any kernel reaches the same accuracy.</summary>
[Trait("Category", "Slow")]
public class BackendTrainingTests
{
    [Fact]
    public void Fit_OnEveryBackend_ReachesTheSameAccuracy()
    {
        var backends = new List<ComputeBackend>
        {
            ComputeBackend.Managed,
            new ManagedComputeBackend(GemmKernelKind.Scalar, maxThreads: 1),
        };
        if (ComputeBackend.TryLoadNativeBlas(null, out var native))
        {
            backends.Add(native!);
        }

        var (train, test) = SyntheticData.Spirals(perClass: 300, noise: 0.02f, seed: 4).Split(0.75, seed: 5);
        var results = backends.Select(backend =>
        {
            var network = Network.Create(2, seed: 3).Dense(48, Activation.ReLU).Dense(48, Activation.ReLU).Dense(2, Activation.Softmax);
            network.Backend = backend;
            new Trainer(new TrainingOptions { Epochs = 40, BatchSize = 32, Optimizer = Optimizers.Adam(0.01f), Seed = 6 }).Fit(network, train);
            return (backend.Name, Score: network.Evaluate(test));
        }).ToList();

        results.Should().OnlyContain(r => r.Score.Accuracy >= 0.95, "every backend learns the spirals");
        double spread = results.Max(r => r.Score.Accuracy!.Value) - results.Min(r => r.Score.Accuracy!.Value);
        spread.Should().BeLessThanOrEqualTo(0.02, string.Join("; ", results.Select(r => $"{r.Name}: {r.Score}")));
    }
}
