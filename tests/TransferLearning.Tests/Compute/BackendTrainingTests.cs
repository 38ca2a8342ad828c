using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Tests.Compute;

/// <summary>The backend changes the speed, not the result: training on any kernel reaches the same accuracy.</summary>
[Trait("Category", "Slow")]
public class BackendTrainingTests
{
    [SkippableTheory]
    [InlineData("scalar")]
    [InlineData("native")]
    public void Fit_OnAnotherBackend_ReachesTheAccuracyOfTheDefault(string backendName)
    {
        ComputeBackend backend = backendName == "scalar"
            ? new ManagedComputeBackend(GemmKernelKind.Scalar, maxThreads: 1)
            : ComputeBackend.TryLoadNativeBlas(null, out var native)
                ? native!
                : throw new SkipException("No native BLAS library (libopenblas.so.0) is installed: the native backend cannot be tested here.");
        var (train, test) = SyntheticData.Spirals(perClass: 300, noise: 0.02f, seed: 4).Split(0.75, seed: 5);

        var reference = TrainedScore(ComputeBackend.Managed, train, test);
        var other = TrainedScore(backend, train, test);

        reference.Accuracy.Should().BeGreaterThanOrEqualTo(0.95, "the default backend learns the spirals");
        other.Accuracy.Should().BeGreaterThanOrEqualTo(0.95, "{0} learns the spirals", backend.Name);
        Math.Abs(other.Accuracy!.Value - reference.Accuracy!.Value).Should().BeLessThanOrEqualTo(0.02, "{0}: {1}; default: {2}", backend.Name, other, reference);
    }

    private static Evaluation TrainedScore(ComputeBackend backend, Dataset train, Dataset test)
    {
        var network = Network.Create(2, seed: 3).Dense(48, Activation.ReLU).Dense(48, Activation.ReLU).Dense(2, Activation.Softmax);
        network.TrainingBackend = backend;
        new Trainer(new TrainingOptions { Epochs = 40, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 0.01f }, Seed = 6 }).Fit(network, train);
        return network.Evaluate(test);
    }
}
