using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Compute;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>
/// Training on inputs that are mostly zero: the first layer's products skip the zero inputs (SparseTrainingGemm, with
/// 256-bit kernels on the AVX2 kernel's backend and 512-bit ones on the AVX-512 kernel's) and give the same weights, to
/// the bit, as the dense products; inputs without zeros keep the dense products; bfloat16 training does not skip.
/// </summary>
[Collection(nameof(AllocationSensitive))]
public class ZeroSkippingTrainingTests
{
    [SkippableTheory]
    [InlineData("Sgd", 128, 1)]    // W1's batch; 300 examples: batches of 128, 128 and 44
    [InlineData("Sgd", 128, 2)]    // the products shared with the worker pool
    [InlineData("Adam", 33, 2)]    // an odd batch size: the last example of each pair alone
    public void Fit_MostlyZeroInputs_SkipsThemAndGivesTheDenseWeightsToTheBit(string optimizer, int batchSize, int threads)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 300, zeroShare: 0.7);

        var (dense, denseForwards, denseGradients) = Train(data, optimizer, batchSize, threads, skipsZeroInputs: false);
        var (sparse, sparseForwards, sparseGradients) = Train(data, optimizer, batchSize, threads, skipsZeroInputs: true);

        denseForwards.Should().Be(0);
        denseGradients.Should().Be(0);
        int steps = 2 * ((300 + batchSize - 1) / batchSize);   // two epochs
        sparseForwards.Should().Be(steps, "every batch of inputs 70 % zero skips them in the forward product");
        sparseGradients.Should().Be(steps, "and in the weight gradient");
        Weights.ShouldBeIdentical(sparse, dense, "the skipped terms add exactly 0");
    }

    [SkippableFact]
    public void Fit_BatchOverKcMax_SkipsZerosInTheForwardProductOnly_AndGivesTheDenseWeights()
    {
        // A batch of 400 examples: the dense weight gradient sums them in two partial sums (200 + 200), which the
        // zero-skipping kernel does not reproduce, so it keeps the dense product there.
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 400, zeroShare: 0.7);

        var (dense, _, _) = Train(data, "Sgd", 400, threads: 2, skipsZeroInputs: false);
        var (sparse, forwards, gradients) = Train(data, "Sgd", 400, threads: 2, skipsZeroInputs: true);

        forwards.Should().Be(2);
        gradients.Should().Be(0);
        Weights.ShouldBeIdentical(sparse, dense);
    }

    [SkippableFact]
    public void Fit_InputsWithoutZeros_TakeTheDenseProducts_AndGiveTheSameWeights()
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 300, zeroShare: 0);

        var (dense, _, _) = Train(data, "Sgd", 64, threads: 2, skipsZeroInputs: false);
        var (allowed, forwards, gradients) = Train(data, "Sgd", 64, threads: 2, skipsZeroInputs: true);

        forwards.Should().Be(0, "dense inputs keep the dense forward product");
        gradients.Should().Be(0, "and the dense weight gradient");
        Weights.ShouldBeIdentical(allowed, dense);
    }

    [SkippableTheory]
    [InlineData(0.3)]   // pairs of examples share few zeros: a sparse forward product would run ~0.9 of the dense terms
    [InlineData(0.05)]  // the sample of the first examples finds the batch dense
    public void Fit_FewZeros_TakeTheDenseProducts(double zeroShare)
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 128, zeroShare);

        var (_, forwards, _) = Train(data, "Sgd", 64, threads: 1, skipsZeroInputs: true);

        forwards.Should().Be(0);
    }

    [SkippableFact]
    public void Fit_SameSeed_SameWeights_OnTheZeroSkippingPath()
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 300, zeroShare: 0.7);

        var (first, forwards, _) = Train(data, "Adam", 32, threads: 2, skipsZeroInputs: true);
        var (second, _, _) = Train(data, "Adam", 32, threads: 2, skipsZeroInputs: true);

        forwards.Should().BeGreaterThan(0);
        Weights.ShouldBeIdentical(second, first);
    }

    [SkippableFact]
    public void Fit_ZeroSkipping_AllocatesNothingPerMiniBatch()
    {
        Skip.IfNot(SparseTrainingGemm.IsSupported, "This CPU has no AVX2 with FMA.");
        var data = Data(inputs: 100, count: 2010, zeroShare: 0.7);

        long Allocated(int epochs)
        {
            var network = Network.Create(100, seed: 1).Dense(64, Activation.ReLU).Dense(10, Activation.Softmax);
            network.TrainingBackend = new ManagedComputeBackend(GemmKernelKind.Avx2, Environment.ProcessorCount);
            var trainer = new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 20, Optimizer = new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f } });
            var pool = GemmWorkerPool.Shared;
            long workers = pool.WorkerAllocatedBytes;
            int forwards = SparseTrainingGemm.ForwardsOnThisThread;
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(network, data);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before + (pool.WorkerAllocatedBytes - workers);
            (SparseTrainingGemm.ForwardsOnThisThread - forwards).Should().Be(epochs * 101, "every mini-batch skips zeros");
            return allocated;
        }

        Allocated(1); // warm up: JIT, pools
        long one = Allocated(1);
        long five = Allocated(5);

        // As TrainingAllocationTests: 404 more mini-batches add the per-epoch report only.
        (five - one).Should().BeLessThan(4 * 2048, $"1 epoch allocated {one:N0} bytes and 5 epochs {five:N0}");
    }

    [SkippableTheory]
    [InlineData("Sgd", 128, 2)]
    [InlineData("Adam", 33, 1)]
    public void Fit_OnTheAvx512Kernel_SkipsZerosWithThe512BitKernels_AndGivesTheDenseWeightsToTheBit(string optimizer, int batchSize, int threads)
    {
        Skip.IfNot(SparseTrainingGemm.IsWideSupported, "This CPU has no AVX-512: the 512-bit zero-skipping kernels cannot run here.");
        var data = Data(inputs: 100, count: 300, zeroShare: 0.7);

        var (dense, _, _) = Train(data, optimizer, batchSize, threads, skipsZeroInputs: false, GemmKernelKind.Avx512);
        var (sparse, forwards, gradients) = Train(data, optimizer, batchSize, threads, skipsZeroInputs: true, GemmKernelKind.Avx512);

        int steps = 2 * ((300 + batchSize - 1) / batchSize);
        forwards.Should().Be(steps, "the AVX-512 backend skips zeros with the 512-bit kernels");
        gradients.Should().Be(steps);
        Weights.ShouldBeIdentical(sparse, dense, "the skipped terms add exactly 0");
    }

    [SkippableFact]
    public void Fit_BFloat16_DoesNotSkipZeros()
    {
        Skip.IfNot(ComputeBackend.IsBFloat16Supported, "This CPU (or OS) cannot run the bfloat16 kernel.");
        var data = Data(inputs: 100, count: 300, zeroShare: 0.7);
        var network = Network.Create(data.FeatureCount, seed: 3).Dense(50, Activation.ReLU).Dense(10, Activation.Softmax);
        network.TrainingBackend = ComputeBackend.ManagedBFloat16();
        int forwards = SparseTrainingGemm.ForwardsOnThisThread;
        int gradients = SparseTrainingGemm.GradientsOnThisThread;

        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 2 }).Fit(network, data);

        (SparseTrainingGemm.ForwardsOnThisThread - forwards).Should().Be(0, "the zero-skipping kernels are float32: bfloat16 products keep the dense path");
        (SparseTrainingGemm.GradientsOnThisThread - gradients).Should().Be(0, "in the weight gradient too");
    }

    [SkippableFact]
    public void ComputeGradients_AfterASkippingStep_OnAnotherBackend_DoesNotReuseThatStepsMasks()
    {
        Skip.IfNot(ComputeBackend.IsBFloat16Supported, "This CPU (or OS) cannot run the bfloat16 kernel.");
        var data = Data(inputs: 100, count: 64, zeroShare: 0.7);
        var network = Network.Create(data.FeatureCount, seed: 3).Dense(50, Activation.ReLU).Dense(10, Activation.Softmax);
        network.TrainingBackend = ComputeBackend.Managed;
        var step = new TrainingStep(network, batchCapacity: 64);
        int gradients = SparseTrainingGemm.GradientsOnThisThread;

        step.ComputeGradients(data);
        int afterFloat32 = SparseTrainingGemm.GradientsOnThisThread - gradients;
        network.TrainingBackend = ComputeBackend.ManagedBFloat16();
        step.ComputeGradients(data);

        afterFloat32.Should().Be(1, "the float32 step skipped zeros in the weight gradient");
        (SparseTrainingGemm.GradientsOnThisThread - gradients).Should().Be(1, "the bfloat16 step ran the dense product, not the masks the float32 step left");
    }

    private static Dataset Data(int inputs, int count, double zeroShare)
    {
        var x = SparseTrainingGemmTests.Values(inputs * count, seed: 11, zeroShare);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Abs(x[i]);   // pixels in [0, 1)
        }

        var labels = Enumerable.Range(0, count).Select(j => (j * 7) % 10).ToArray();
        return Dataset.ForClassification(Matrix<float>.Build.Dense(inputs, count, x), labels, 10);
    }

    private static (float[][] Weights, int Forwards, int Gradients) Train(Dataset data, string optimizer, int batchSize, int threads, bool skipsZeroInputs, GemmKernelKind kernel = GemmKernelKind.Avx2)
    {
        var network = Network.Create(data.FeatureCount, seed: 3).Dense(50, Activation.ReLU).Dense(30, Activation.ReLU).Dense(10, Activation.Softmax);
        network.TrainingBackend = new ManagedComputeBackend(kernel, threads);
        network.SkipsZeroInputs = skipsZeroInputs;
        OptimizerOptions settings = optimizer == "Sgd" ? new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f } : new AdamOptions { LearningRate = 1e-3f };
        int forwards = SparseTrainingGemm.ForwardsOnThisThread;
        int gradients = SparseTrainingGemm.GradientsOnThisThread;
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = batchSize, Optimizer = settings, Seed = 5 }).Fit(network, data);
        return (Weights.Of(network), SparseTrainingGemm.ForwardsOnThisThread - forwards, SparseTrainingGemm.GradientsOnThisThread - gradients);
    }
}
