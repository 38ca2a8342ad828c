using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// The data and networks of workloads W1, W2, W2c and W3 (DESIGN.md §7): 60,000 training and 10,000 test
// examples of Fashion-MNIST's shape (784 features, 10 classes). Speed does not depend on the pixel
// values, so the pixels are made here (uniform in [0, 1), fixed seed) until the IDX loaders land; one
// copy of each set is shared by every case.
public static class TrainingWorkloadData
{
    public const int Inputs = 784;
    public const int Classes = 10;
    public const int TrainCount = 60_000;
    public const int TestCount = 10_000;

    // n[0] .. n[L] of 784-512-256-10.
    public static IReadOnlyList<int> Sizes { get; } = [Inputs, 512, 256, Classes];

    private static readonly Lazy<Dataset> LazyTrain = new(() => Make(TrainCount, seed: 1));
    private static readonly Lazy<Dataset> LazyTest = new(() => Make(TestCount, seed: 2));

    public static Dataset Train => LazyTrain.Value;

    public static Dataset Test => LazyTest.Value;

    // W1's optimiser: SGD with momentum 0.9, learning rate 0.01, batch 128, one epoch per Fit.
    public static TrainingOptions EpochOptions { get; } = new()
    {
        Epochs = 1,
        BatchSize = 128,
        Optimizer = new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f },
        Seed = 1,
    };

    public static IReadOnlyList<ComputeBackend> Backends()
    {
        var list = new List<ComputeBackend> { ComputeBackend.Managed };
        if (ComputeBackend.IsBFloat16Supported)
        {
            list.Add(ComputeBackend.ManagedBFloat16());
        }

        if (ComputeBackend.TryLoadNativeBlas(null, out var native))
        {
            list.Add(native!);
        }

        return list;
    }

    // 784 → 512 → 256 → 10, ReLU, softmax.
    public static Network Mlp(ComputeBackend backend)
    {
        var network = Network.Create(Inputs, seed: 7)
            .Dense(512, Activation.ReLU)
            .Dense(256, Activation.ReLU)
            .Dense(Classes, Activation.Softmax);
        network.TrainingBackend = backend;
        return network;
    }

    // W2: the same network with the first two layers frozen.
    public static Network FrozenBodyMlp(ComputeBackend backend)
    {
        var network = Mlp(backend);
        network.DenseLayers[0].Freeze();
        network.DenseLayers[1].Freeze();
        return network;
    }

    private static Dataset Make(int count, int seed)
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var pixels = new float[Inputs * count];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)random.NextDouble();
        }

        var labels = new int[count];
        for (int j = 0; j < count; j++)
        {
            labels[j] = random.Next(Classes);
        }

        // Matrix.Build.Dense(rows, columns, storage) wraps the array: the data set keeps this one copy.
        return Dataset.ForClassification(Matrix<float>.Build.Dense(Inputs, count, pixels), labels, Classes);
    }
}
