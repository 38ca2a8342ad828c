using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Inference;

/// <summary>
/// Evaluate, the frozen-feature cache and Predict run one inference path (<see cref="Network.Inference"/>): the
/// same bits on every backend, one example, a small batch and a batch cut into slices.
/// </summary>
public class OneInferencePathTests
{
    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var backend in InferenceTests.Backends())
        {
            foreach (var network in new[] { "dense", "batchnorm-dropout", "sigmoid" })
            {
                cases.Add(backend, network);
            }
        }

        return cases;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void EvaluateFeatureCacheAndPredict_SameNetwork_GiveBitIdenticalOutputs(string backendName, string networkName)
    {
        var backend = backendName == "native" ? NativeBlas.Require() : InferenceTests.BackendNamed(backendName);
        var (network, frozen) = NetworkNamed(networkName, backend);
        int layers = network.Layers.Count;
        foreach (int m in new[] { 1, 7, 150 })
        {
            var data = DataFor(network, m, seed: m);
            var x = Matrix<float>.Build.Dense(network.InputSize, m, data.FeatureData.ToArray());
            float[] predicted = network.Predict(x).ToColumnMajorArray();
            var loss = Loss.For(network.OutputLayer.Activation);

            // Evaluate's outputs (with the output pre-activation its cross-entropy reads).
            var evaluated = new float[predicted.Length];
            var z = new float[predicted.Length];
            NetworkEvaluation.TryOutputs(network, data.FeatureData, m, 0, evaluated, z).Should().BeTrue();
            evaluated.Should().Equal(predicted, "{0}, {1}, {2} examples: Evaluate's outputs are Predict's", backendName, networkName, m);

            // The frozen-feature cache's features are the prefix's predictions; the head on them gives Predict's outputs.
            var cached = Trainer.FeaturesAt(network, data, frozen);
            float[] prefix = network.Clone(frozen, seed: 0).Predict(x).ToColumnMajorArray();
            cached.FeatureData.ToArray().Should().Equal(prefix, "{0}, {1}, {2} examples: the cached features are the bottom {3} layers' predictions", backendName, networkName, m, frozen);
            var head = new float[predicted.Length];
            NetworkEvaluation.TryOutputs(network, cached.FeatureData, m, frozen, head, z).Should().BeTrue();
            head.Should().Equal(predicted, "{0}, {1}, {2} examples: the head on the cached features gives Predict's outputs", backendName, networkName, m);

            // What Evaluate reports follows from those outputs: the validation score on cached features is the same
            // record, the accuracy is Predict's to the bit, and the loss (from Z, never log 0) is Predict's within rounding.
            var evaluation = network.Evaluate(data);
            NetworkEvaluation.Evaluate(network, cached.FeatureData, cached, frozen, loss).Should().Be(evaluation);
            evaluation.Accuracy.Should().Be(AccuracyOf(predicted, network.OutputSize, data.LabelArray!));
            evaluation.Loss.Should().BeApproximately(CrossEntropyOf(predicted, network.OutputSize, data.LabelArray!), 1e-5 * Math.Max(1, evaluation.Loss));
        }

        TestHooks.PassesOf(network.Layers[^1]).Should().BeGreaterThan(0, "the test process counts passes (the test hooks are on)");
    }

    /// <summary>A network and how many of its bottom layers the feature cache would hold.</summary>
    private static (Network Network, int Frozen) NetworkNamed(string name, ComputeBackend backend)
    {
        switch (name)
        {
            case "dense":
                return (InferenceTests.MixedNetwork(backend), 3);
            case "batchnorm-dropout":
                // Dense, BatchNorm, Dense, Dropout | Dense, BatchNorm, Dense: the cache ends after the dropout layer.
                return (InferenceTests.TrainedNetworkWithEveryLayerKind(backend), 4);
            default:
                var network = Network.Create(6, seed: 4).Dense(20, Activation.ReLU).Dropout(0.5f).Dense(1, Activation.Sigmoid);
                network.TrainingBackend = backend;
                return (network, 2);
        }
    }

    private static Dataset DataFor(Network network, int m, int seed)
    {
        int classes = network.OutputSize == 1 ? 2 : network.OutputSize;
        var x = InferenceTests.Examples(m, network.InputSize, seed);
        var labels = Enumerable.Range(0, m).Select(j => (j * 7) % classes).ToArray();
        return Dataset.ForClassification(Matrix<float>.Build.Dense(network.InputSize, m, x), labels, classes);
    }

    private static double AccuracyOf(float[] outputs, int rows, int[] labels) =>
        (double)Enumerable.Range(0, labels.Length).Count(j => Network.ArgMax(outputs.AsSpan(j * rows, rows)) == labels[j]) / labels.Length;

    /// <summary>The mean cross-entropy computed from the probabilities (softmax) or the probability of class 1 (sigmoid).</summary>
    private static double CrossEntropyOf(float[] outputs, int rows, int[] labels) =>
        Enumerable.Range(0, labels.Length).Average(j => rows == 1
            ? -Math.Log(labels[j] == 1 ? outputs[j] : 1 - (double)outputs[j])
            : -Math.Log(outputs[(j * rows) + labels[j]]));
}
