using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using TransferLearning.Compute;
using TransferLearning.Inference;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Networks;

/// <summary>The span and single-example calls: the numbers of the GEMM path, on every backend, batch size and thread.</summary>
public class InferenceTests
{
    private const int Features = 37;

    public static TheoryData<string> Backends()
    {
        var names = new TheoryData<string> { "scalar" };
        if (ManagedComputeBackend.IsSupported(GemmKernelKind.Avx2))
        {
            names.Add("avx2");
        }

        if (ManagedComputeBackend.IsSupported(GemmKernelKind.Avx512))
        {
            names.Add("avx512");
        }

        names.Add("native");
        return names;
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void PredictBatch_EveryBatchSize_MatchesTheBlockedGemmPath(string backendName)
    {
        var backend = BackendNamed(backendName);
        var network = MixedNetwork(backend);
        foreach (int m in new[] { 1, 2, 3, 5, 11, 12, 13, 31, 32, 33, 63, 64, 65, 130 })
        {
            var x = Examples(m, Features, seed: m);
            var expected = Reference(network, x, m);
            var actual = new float[m * network.OutputSize];

            network.PredictBatch(x, actual);

            AssertClose(actual, expected, $"{backend.Name}, batch of {m}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Predict_OneExample_MatchesPredictMatrix(string backendName)
    {
        var network = BenchmarkShapedNetwork(BackendNamed(backendName));
        var x = Examples(5, 784, seed: 3);
        var matrix = network.Predict(Matrix<float>.Build.Dense(784, 5, x)).ToColumnMajorArray();
        var output = new float[10];
        for (int j = 0; j < 5; j++)
        {
            network.Predict(x.AsSpan(j * 784, 784), output);

            AssertClose(output, matrix.AsSpan(j * 10, 10).ToArray(), $"example {j}");
            network.PredictClass(x.AsSpan(j * 784, 784)).Should().Be(ArgMax(matrix.AsSpan(j * 10, 10)));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void PredictBatch_LayersLargeEnoughToSplit_MatchTheBlockedGemmPath(string backendName)
    {
        // 784 → 512 and 512 → 256 split between threads at 1, 8 and 40 examples (one example's products from
        // 100,000 multiply-adds on, a batch's from 1,000,000). From 65 examples on, slices of examples are shared
        // between the threads instead (100: slices of 32, 32, 32 and 4; 1,000: six of 64 at each end, seven of 32
        // and one of 8 between).
        var network = BenchmarkShapedNetwork(BackendNamed(backendName));
        foreach (int m in new[] { 1, 8, 40, 100, 1_000 })
        {
            var x = Examples(m, 784, seed: m);
            var actual = new float[m * 10];

            network.PredictBatch(x, actual);

            AssertClose(actual, Reference(network, x, m), $"{backendName}, batch of {m}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void Predict_MostlyZeroExample_MatchesTheBlockedGemmPath(string backendName)
    {
        // Zero inputs skip their weight columns (as background pixels and ReLU outputs do): same numbers.
        var network = MixedNetwork(BackendNamed(backendName));
        foreach (int zeroEvery in new[] { 2, 3, 1_000 })
        {
            var x = Examples(1, Features, seed: zeroEvery).Select((v, i) => i % zeroEvery == 0 ? 0f : v).ToArray();
            var output = new float[network.OutputSize];

            network.Predict(x, output);

            AssertClose(output, Reference(network, x, 1), $"{backendName}, every {zeroEvery}th input zero");
        }

        var zeros = new float[Features];
        var fromZeros = new float[network.OutputSize];
        network.Predict(zeros, fromZeros);
        AssertClose(fromZeros, Reference(network, zeros, 1), $"{backendName}, all inputs zero");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void PredictBatch_MostlyZeroInputs_EveryBatchSize_MatchesTheBlockedGemmPath(string backendName)
    {
        // From a quarter of zero inputs on, AVX-512 runs small batches (and each slice of a large one) with the
        // examples as columns, skipping the weight columns that neither example of a pair needs.
        var mixed = MixedNetwork(BackendNamed(backendName));
        foreach (int m in new[] { 2, 3, 5, 31, 32, 33, 64, 65, 130 })
        {
            var x = HalfZero(Examples(m, Features, seed: m), Features);
            var actual = new float[m * mixed.OutputSize];

            mixed.PredictBatch(x, actual);

            AssertClose(actual, Reference(mixed, x, m), $"{backendName}, every activation, batch of {m}");
        }

        var shaped = BenchmarkShapedNetwork(BackendNamed(backendName));
        foreach (int m in new[] { 2, 8, 32, 40, 64, 100, 1_000 })
        {
            var x = HalfZero(Examples(m, 784, seed: m), 784);
            var actual = new float[m * 10];

            shaped.PredictBatch(x, actual);

            AssertClose(actual, Reference(shaped, x, m), $"{backendName}, 784-512-256-10, batch of {m}");
        }
    }

    [SkippableTheory]
    [InlineData("avx512")]
    [InlineData("avx2")]   // no AVX-512, or AVX-512 turned off: the AVX2 sparse kernels
    public void PredictBatch_TakesTheSparsePathWhenPairsShareASixthOfZeros(string kernel)
    {
        Skip.IfNot(SparseBatchGemm.IsSupportedFor(KernelNamed(kernel)), $"This CPU cannot run the {kernel} sparse kernels.");
        var network = BenchmarkShapedNetwork(BackendNamed(kernel));
        var output = new float[32 * 10];
        var dense = Examples(32, 784, seed: 1);
        var shared = dense.Select((v, i) => i % 784 % 4 == 0 ? 0f : v).ToArray();             // a quarter, the same in every example
        var apart = dense.Select((v, i) => (i % 784 % 2) == (i / 784 % 2) ? 0f : v).ToArray();  // half, never in both of a pair

        int before = SparseBatchGemm.MultipliesOnThisThread;
        network.PredictBatch(dense, output);
        SparseBatchGemm.MultipliesOnThisThread.Should().Be(before, "inputs without zeros run the dense product");
        network.PredictBatch(apart, output);
        SparseBatchGemm.MultipliesOnThisThread.Should().Be(before, "zeros that no pair shares would skip nothing");
        network.PredictBatch(shared, output);
        SparseBatchGemm.MultipliesOnThisThread.Should().Be(before + 2, "a quarter of zeros shared: both hidden layers run the sparse product (the 10-class output layer the dense one)");
        AssertClose(output, Reference(network, shared, 32), "the sparse path");
    }

    [SkippableTheory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    public void PredictBatch_SparsePath_DropoutAndUnfusedActivations_MatchTheBlockedGemmPath(string kernel)
    {
        Skip.IfNot(SparseBatchGemm.IsSupportedFor(KernelNamed(kernel)), $"This CPU cannot run the {kernel} sparse kernels.");
        var network = Network.Create(Features, seed: 12)
            .Dense(40, Activation.ReLU)
            .Dropout(0.5f)
            .Dense(20, Activation.Sigmoid)
            .Dense(7, Activation.Tanh)
            .Dense(3, Activation.Softmax);
        network.TrainingBackend = BackendNamed(kernel);
        foreach (int m in new[] { 2, 9, 64, 100 })
        {
            var x = HalfZero(Examples(m, Features, seed: m), Features);
            var actual = new float[m * 3];
            int before = SparseBatchGemm.MultipliesOnThisThread;

            network.PredictBatch(x, actual);

            if (m <= Network.SmallBatchLimit)
            {
                SparseBatchGemm.MultipliesOnThisThread.Should().Be(
                    before + 3, "the 3 hidden dense layers of a batch of {0} ran the sparse product (7 rows too: it is not the last)", m);
            }

            AssertClose(actual, Reference(network, x, m), $"batch of {m}");
        }
    }

    [SkippableTheory]
    [InlineData("identity", "avx512")]
    [InlineData("sigmoid", "avx512")]
    [InlineData("leaky", "avx512")]
    [InlineData("softmax", "avx512")]
    [InlineData("identity", "avx2")]
    [InlineData("sigmoid", "avx2")]
    [InlineData("leaky", "avx2")]
    [InlineData("softmax", "avx2")]
    public void PredictBatch_SparsePath_SmallOutputLayer_RunsTheDenseProduct_MatchesTheBlockedGemmPath(string output, string kernel)
    {
        // After sparse hidden layers, an output layer of 16 rows or fewer runs the dense small-batch product (its
        // inputs packed into panels, its outputs unpacked), with or without a dropout layer after it.
        Skip.IfNot(SparseBatchGemm.IsSupportedFor(KernelNamed(kernel)), $"This CPU cannot run the {kernel} sparse kernels.");
        var activation = output switch
        {
            "identity" => Activation.Identity,
            "sigmoid" => Activation.Sigmoid,
            "leaky" => Activation.LeakyReLU(0.2f),
            _ => Activation.Softmax,
        };
        var network = Network.Create(200, seed: 21).Dense(96, Activation.ReLU).Dropout(0.3f).Dense(16, activation);
        if (output != "softmax")
        {
            network.Dropout(0.1f);
        }

        network.TrainingBackend = BackendNamed(kernel);
        foreach (int m in new[] { 2, 7, 32, 64 })
        {
            var x = HalfZero(Examples(m, 200, seed: m), 200);
            var batch = new float[m * 16];
            int before = SparseBatchGemm.MultipliesOnThisThread;

            network.PredictBatch(x, batch);

            SparseBatchGemm.MultipliesOnThisThread.Should().Be(before + 1, "only the hidden layer of a batch of {0} runs the sparse product", m);
            AssertClose(batch, Reference(network, x, m), $"{output}, batch of {m}");
        }
    }

    [SkippableTheory]
    [InlineData("avx512")]
    [InlineData("avx2")]
    public void PredictBatch_SparseBatchWithANaN_ThrowsNamingItsRowAndColumn(string kernel)
    {
        Skip.IfNot(SparseBatchGemm.IsSupportedFor(KernelNamed(kernel)), $"This CPU cannot run the {kernel} sparse kernels.");
        var network = BenchmarkShapedNetwork(BackendNamed(kernel));
        var x = HalfZero(Examples(32, 784, seed: 4), 784);
        x[(17 * 784) + 301] = float.NaN;

        var act = () => network.PredictBatch(x, new float[320]);

        act.Should().Throw<ArgumentException>().WithParameterName("examples").WithMessage("Expected only finite values but found NaN at example 17, feature 301.*");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void PredictBatch_DropoutAndBatchNorm_MatchTheLayersOwnInference(string backendName)
    {
        var network = TrainedNetworkWithEveryLayerKind(BackendNamed(backendName));
        foreach (int m in new[] { 1, 4, 13, 64, 70 })
        {
            var x = Examples(m, 6, seed: m);
            var actual = new float[m * network.OutputSize];

            network.PredictBatch(x, actual);

            AssertClose(actual, Reference(network, x, m), $"{backendName}, batch of {m}");
        }
    }

    [Fact]
    public void Predict_MatrixIntoResult_EqualsTheAllocatingOverload()
    {
        var network = MixedNetwork(ComputeBackend.Managed);
        var x = Matrix<float>.Build.Dense(Features, 9, Examples(9, Features, seed: 4));
        var result = Matrix<float>.Build.Dense(network.OutputSize, 9);

        network.Predict(x, result);

        result.ToColumnMajorArray().Should().Equal(network.Predict(x).ToColumnMajorArray());
    }

    [Fact]
    public void Predict_AfterTraining_UsesTheNewWeights()
    {
        var data = TestData.Blobs(perClass: 40, classes: 3, features: 4, seed: 1);
        var network = Network.Create(4, seed: 2).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
        var example = data.FeatureData[..4].ToArray();
        var before = new float[3];
        network.Predict(example, before);   // packs the initial weights

        new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 0.05f } }).Fit(network, data);
        var after = new float[3];
        network.Predict(example, after);

        after.Should().NotEqual(before);
        AssertClose(after, Reference(network, example, 1), "after training");
    }

    [Fact]
    public void Predict_AfterSetValuesOrANewLayer_UsesTheNewWeights()
    {
        var network = MixedNetwork(ComputeBackend.Managed);
        var example = Examples(1, Features, seed: 5);
        var output = new float[network.OutputSize];
        network.Predict(example, output);

        network.DenseLayers[0].Weight.SetValues(network.DenseLayers[0].Weight.ToMatrix() * 0.5f);
        network.Predict(example, output);
        AssertClose(output, Reference(network, example, 1), "after SetValues");

        network.RemoveTopLayers().Dense(5, Activation.Softmax);
        network.Predict(example, output);
        AssertClose(output, Reference(network, example, 1), "after a new output layer");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends))]
    public void PredictFromEightThreads_EveryPath_EqualsSerialPredictMatrix(string backendName)
    {
        var network = BenchmarkShapedNetwork(BackendNamed(backendName));
        const int Count = 40;

        // Examples 20 to 39 are four-fifths zero: batches of them (and all 40, 40 % zero) take the sparse path.
        var x = Examples(Count, 784, seed: 6).Select((v, i) => i >= 20 * 784 && i % 5 != 0 ? 0f : v).ToArray();
        var serial = network.Predict(Matrix<float>.Build.Dense(784, Count, x)).ToColumnMajorArray();
        var serialClasses = Enumerable.Range(0, Count).Select(j => ArgMax(serial.AsSpan(j * 10, 10))).ToArray();
        const int Large = 100;   // slices shared between the threads, when a caller gets the pool
        var large = Examples(Large, 784, seed: 16);
        var serialLarge = network.Predict(Matrix<float>.Build.Dense(784, Large, large)).ToColumnMajorArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var one = new float[10];
            var batch = new float[10 * 8];
            var largeBatch = new float[10 * Large];
            int rounds = backendName == "scalar" ? 3 : 10;   // the scalar kernel is slow: fewer rounds keep the test under 2 s
            for (int round = 0; round < rounds; round++)
            {
                int j = ((t * 7) + round) % Count;
                network.Predict(x.AsSpan(j * 784, 784), one);
                Compare(one, serial.AsSpan(j * 10, 10), $"thread {t}, Predict({j})");
                if (network.PredictClass(x.AsSpan(j * 784, 784)) != serialClasses[j])
                {
                    failures.Add($"thread {t}, PredictClass({j})");
                }

                int first = Math.Min(j, Count - 8);
                network.PredictBatch(x.AsSpan(first * 784, 8 * 784), batch);
                Compare(batch, serial.AsSpan(first * 10, 80), $"thread {t}, PredictBatch({first}..{first + 8})");
                var matrix = network.Predict(Matrix<float>.Build.Dense(784, Count, x)).ToColumnMajorArray();
                Compare(matrix, serial, $"thread {t}, Predict(Matrix)");
                if (round % 3 == 0)
                {
                    network.PredictBatch(large, largeBatch);
                    Compare(largeBatch, serialLarge, $"thread {t}, PredictBatch of {Large}");
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        failures.Should().BeEmpty();

        void Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string where)
        {
            for (int i = 0; i < actual.Length; i++)
            {
                if (!(Math.Abs(actual[i] - expected[i]) <= 1e-6f))
                {
                    failures.Add($"{where}: value {i} is {actual[i]}, serially {expected[i]}");
                    return;
                }
            }
        }
    }

    [Fact]
    public void Predict_WhileAnotherThreadTrains_ThrowsInvalidOperation()
    {
        var data = TestData.Blobs(perClass: 40, classes: 3, features: 4, seed: 1);
        var network = Network.Create(4, seed: 2).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
        var example = data.FeatureData[..4].ToArray();
        using var inFit = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        float[]? fromCallback = null;
        var progress = new SynchronousProgress(_ =>
        {
            fromCallback ??= new float[3];
            network.Predict(example, fromCallback);   // the training thread itself, between steps: allowed
            inFit.Set();
            release.Wait();
        });
        var trainer = new Thread(() =>
            new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 120, Optimizer = new SgdOptions { LearningRate = 0.01f } }).Fit(network, data, progress: progress));
        trainer.Start();
        inFit.Wait();

        var output = new float[3];
        var act = () => network.Predict(example, output);

        act.Should().Throw<InvalidOperationException>().WithMessage("The network is training on another thread*");
        release.Set();
        trainer.Join();
        act.Should().NotThrow("training has ended");
        fromCallback.Should().NotBeNull();
    }

    [Fact]
    public void Predict_BadArguments_ThrowNamingTheArgument()
    {
        var network = MixedNetwork(ComputeBackend.Managed);
        var output = new float[network.OutputSize];

        FluentActions.Invoking(() => network.Predict(new float[Features - 1], output))
            .Should().Throw<ArgumentException>().WithParameterName("example").WithMessage($"Expected {Features} inputs but got {Features - 1}.*");
        FluentActions.Invoking(() => network.Predict(new float[Features], new float[2]))
            .Should().Throw<ArgumentException>().WithParameterName("output").WithMessage($"Expected {network.OutputSize} outputs but got 2.*");
        var nan = new float[Features];
        nan[3] = float.NaN;
        FluentActions.Invoking(() => network.PredictClass(nan))
            .Should().Throw<ArgumentException>().WithParameterName("example").WithMessage("Expected only finite values but found NaN at index 3.*");
        FluentActions.Invoking(() => network.PredictBatch(new float[(2 * Features) + 1], new float[2 * network.OutputSize]))
            .Should().Throw<ArgumentException>().WithParameterName("examples").WithMessage($"Expected a positive whole number of examples of {Features} inputs but got {(2 * Features) + 1} values.*");
        FluentActions.Invoking(() => network.PredictBatch(new float[2 * Features], new float[network.OutputSize]))
            .Should().Throw<ArgumentException>().WithParameterName("outputs");
        FluentActions.Invoking(() => network.Predict(Matrix<float>.Build.Dense(Features, 2), Matrix<float>.Build.Dense(network.OutputSize, 3)))
            .Should().Throw<ArgumentException>().WithParameterName("result").WithMessage($"Expected a dense {network.OutputSize} × 2 result but got a {network.OutputSize} × 3 matrix.*");
        FluentActions.Invoking(() => Network.Create(3).Predict(new float[3], new float[3]))
            .Should().Throw<InvalidOperationException>().WithMessage("The network has no layers.");
    }

    [Theory]
    [InlineData(32, 5, 17)]      // a small batch, its products split between the threads
    [InlineData(32, 31, 783)]    // its last example, its last input
    [InlineData(9, 8, 0)]        // past the eight examples whose zeros choose the sparse path
    [InlineData(100, 3, 783)]    // a large batch: its first slice
    [InlineData(100, 99, 0)]     // the last example of its last, short slice
    [InlineData(65, 64, 3)]      // a slice of one example
    [InlineData(1_000, 640, 400)]
    public void PredictBatch_ANonFiniteValueAnywhere_ThrowsNamingItsRowAndColumn(int count, int example, int feature)
    {
        // Inputs without zeros, and half-zero ones (on AVX-512 the sparse path, whose first product checks the inputs
        // as it reads them); through 784-512-256-10 and through a network whose only layer is a 10-row output layer.
        var single = Network.Create(784, seed: 3).Dense(10, Activation.Softmax);
        single.TrainingBackend = ComputeBackend.Default;
        foreach (var network in new[] { BenchmarkShapedNetwork(ComputeBackend.Default), single })
        {
            foreach (bool halfZero in new[] { false, true })
            {
                var x = Examples(count, 784, seed: count);
                x = halfZero ? HalfZero(x, 784) : x;
                var outputs = new float[count * 10];
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    x[(example * 784) + feature] = bad;
                    string shown = bad.ToString(System.Globalization.CultureInfo.InvariantCulture);

                    FluentActions.Invoking(() => network.PredictBatch(x, outputs))
                        .Should().Throw<ArgumentException>().WithParameterName("examples")
                        .WithMessage($"Expected only finite values but found {shown} at example {example}, feature {feature}.*");
                    FluentActions.Invoking(() => network.Predict(Matrix<float>.Build.Dense(784, count, x)))
                        .Should().Throw<ArgumentException>().WithParameterName("x")
                        .WithMessage($"Expected only finite values but found {shown} at example {example}, feature {feature}.*");
                }

                // Repaired, the call answers. (The one-layer network's logits are large — 784 unit-normal inputs
                // straight into the softmax — so float32 sums in another order differ by up to 2e-6 there: it is
                // compared with Predict(Matrix), the deeper network with the training path's Infer.)
                x[(example * 784) + feature] = 0.5f;
                network.PredictBatch(x, outputs);
                var expected = network == single ? network.Predict(Matrix<float>.Build.Dense(784, count, x)).ToColumnMajorArray() : Reference(network, x, count);
                AssertClose(outputs, expected, $"the same call with the value repaired, {network.Layers.Count} layers, half zero: {halfZero}");
            }
        }
    }

    [Fact]
    public void PredictBatch_MoreSlicesThanThePoolTakesInOneJob_MatchesTheReference()
    {
        // 2.2 million examples of 2 inputs: 34,000 slices, more than the pool's 32,768 parts of one job (it threw).
        var network = Network.Create(2, seed: 5).Dense(3, Activation.ReLU).Dense(2, Activation.Softmax);
        const int Count = 2_200_000;
        var x = Examples(Count, 2, seed: 12);
        var outputs = new float[Count * 2];

        network.PredictBatch(x, outputs);

        var expected = Reference(network, x, Count);
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!(Math.Abs(outputs[i] - expected[i]) <= 1e-6f))
            {
                outputs[i].Should().BeApproximately(expected[i], 1e-6f, "value {0} of {1}", i, outputs.Length);
            }
        }
    }

    internal static ComputeBackend BackendNamed(string name) => name switch
    {
        "scalar" => new ManagedComputeBackend(GemmKernelKind.Scalar, maxThreads: 1),
        "avx2" => new ManagedComputeBackend(GemmKernelKind.Avx2, maxThreads: 2),
        "avx512" => new ManagedComputeBackend(GemmKernelKind.Avx512, maxThreads: 2),
        _ => ComputeBackend.TryLoadNativeBlas(null, out var native)
            ? native!
            : throw new SkipException("No native BLAS library (libopenblas.so.0) is installed: the native backend cannot be tested here."),
    };

    internal static GemmKernelKind KernelNamed(string name) => name == "avx512" ? GemmKernelKind.Avx512 : GemmKernelKind.Avx2;

    /// <summary>Odd sizes (padded panels and tiles) and every activation kind.</summary>
    internal static Network MixedNetwork(ComputeBackend backend)
    {
        var network = Network.Create(Features, seed: 11)
            .Dense(70, Activation.LeakyReLU(0.1f))
            .Dense(45, Activation.Tanh)
            .Dense(33, Activation.Sigmoid)
            .Dense(17, Activation.Identity)
            .Dense(9, Activation.ReLU)
            .Dense(5, Activation.Softmax);
        network.TrainingBackend = backend;
        return network;
    }

    /// <summary>Dense, batch normalisation (running statistics moved by training) and dropout, trained a little.</summary>
    internal static Network TrainedNetworkWithEveryLayerKind(ComputeBackend backend)
    {
        var network = Network.Create(6, seed: 8)
            .Dense(40, Activation.Identity)
            .BatchNorm()
            .Dense(40, Activation.ReLU)
            .Dropout(0.3f)
            .Dense(24, Activation.Tanh)
            .BatchNorm()
            .Dense(4, Activation.Softmax);
        network.TrainingBackend = backend;
        var data = TestData.Blobs(perClass: 40, classes: 4, features: 6, seed: 9);
        new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 0.01f } }).Fit(network, data);
        return network;
    }

    internal static Network BenchmarkShapedNetwork(ComputeBackend backend)
    {
        var network = Network.Create(784, seed: 7).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(10, Activation.Softmax);
        network.TrainingBackend = backend;
        return network;
    }

    /// <summary>Every other input of every example set to zero (the same inputs in each: pairs share them).</summary>
    private static float[] HalfZero(float[] x, int features) => x.Select((v, i) => i % features % 2 == 0 ? 0f : v).ToArray();

    internal static float[] Examples(int count, int features, int seed)
    {
        var random = new Xoshiro256StarStar(seed);
        return Enumerable.Range(0, count * features).Select(_ => (float)Normal.Sample(random, 0, 1)).ToArray();
    }

    /// <summary>The outputs through the blocked GEMM of the network's backend, layer by layer (the training forward pass, without recording).</summary>
    private static float[] Reference(Network network, float[] x, int m)
    {
        ReadOnlySpan<float> input = x;
        foreach (var layer in network.Layers)
        {
            var output = new float[m * layer.OutputSize];
            layer.Infer(network.TrainingBackend, input, output, new float[Math.Max(1, m * layer.InferenceScratchRows)], m);
            input = output;
        }

        return input.ToArray();
    }

    private static void AssertClose(float[] actual, float[] expected, string because)
    {
        actual.Should().HaveSameCount(expected);
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i].Should().BeApproximately(expected[i], 1e-6f * Math.Max(1f, Math.Abs(expected[i])), $"{because}, value {i}");
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
