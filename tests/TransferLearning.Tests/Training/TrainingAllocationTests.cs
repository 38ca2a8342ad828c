using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Compute;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

// Runs alone, so that no other test holds the GEMM worker pool or allocates on it.
[Collection(nameof(AllocationSensitive))]
public class TrainingAllocationTests
{
    [Theory]
    [InlineData("Sgd", true, false, ClassWeighting.None)]
    [InlineData("Adam", true, false, ClassWeighting.None)]
    [InlineData("Adam", false, false, ClassWeighting.None)]
    [InlineData("Adam", true, true, ClassWeighting.None)]
    [InlineData("Adam", true, false, ClassWeighting.Balanced)]
    [InlineData("Sgd", false, true, ClassWeighting.Balanced)]
    public void Fit_SteadyState_AllocatesNothingPerMiniBatch(string optimizer, bool shuffle, bool withBatchNormAndDropout, ClassWeighting weighting)
    {
        // 2,010 examples in batches of 20: 101 mini-batches per epoch, the last one smaller.
        var x = Matrix<float>.Build.Dense(40, 2010, (i, j) => ((i * 7) + (j * 13)) % 17 / 17f);
        // Imbalanced (class 9 is 1 example in 21 or so), so that balanced class weights differ from 1.
        var data = Dataset.ForClassification(x, Enumerable.Range(0, 2010).Select(j => j % 21 == 0 ? 9 : j % 9).ToArray(), 10);
        OptimizerOptions settings = optimizer == "Sgd" ? new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 1e-4f } : new AdamOptions { LearningRate = 1e-3f, WeightDecay = 1e-4f };

        long Allocated(int epochs)
        {
            var network = Network.Create(40, seed: 1).Dense(128, Activation.ReLU);
            if (withBatchNormAndDropout)
            {
                network.BatchNorm().Dropout(0.2f);
            }

            network.Dense(64, Activation.Tanh).Dense(10, Activation.Softmax);
            network.TrainingBackend = ComputeBackend.Managed;
            var trainer = new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 20, Optimizer = settings, Shuffle = shuffle, ClassWeighting = weighting });
            var pool = GemmWorkerPool.Shared;
            long workers = pool.WorkerAllocatedBytes;
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(network, data);
            return GC.GetAllocatedBytesForCurrentThread() - before + (pool.WorkerAllocatedBytes - workers);
        }

        Allocated(1); // warm up: JIT, pools
        long one = Allocated(1);
        long five = Allocated(5);

        // Four more epochs are 404 more mini-batches; what they add must be the per-epoch report and
        // bookkeeping only (well under 2 KB an epoch), not anything per mini-batch.
        (five - one).Should().BeLessThan(4 * 2048, $"1 epoch allocated {one:N0} bytes and 5 epochs {five:N0}");
    }

    [Fact]
    public void FitFromSource_SteadyState_AllocatesNothingPerMiniBatch_OnEitherThread()
    {
        // A uint8 .npy file of 2,010 examples in batches of 20, shuffled in chunks: 101 mini-batches an epoch gathered on the
        // reader thread (its allocations after the first mini-batch are counted too) while the training thread computes.
        using var folder = new Support.TempFolder();
        var (pixels, labels, _) = SourceTrainingTests.Bytes(2010, features: 40);
        string x = folder.File("x.npy");
        string y = folder.File("y.npy");
        NpyFormat.Save<byte>(x, pixels, 2010, 40);
        NpyFormat.Save<byte>(y, labels, 2010);
        using var source = NpySource.Open(x, y, scale: 1f / 255);

        long Allocated(int epochs)
        {
            var network = Network.Create(40, seed: 1).Dense(128, Activation.ReLU).Dense(3, Activation.Softmax);
            network.TrainingBackend = ComputeBackend.Managed;
            var trainer = new Trainer(new TrainingOptions { Epochs = epochs, BatchSize = 20, StreamingShuffle = new StreamingShuffle { ChunkSize = 100, WindowChunks = 3 } });
            var pool = GemmWorkerPool.Shared;
            long workers = pool.WorkerAllocatedBytes;
            long reader = SourceBatches.WorkerAllocatedBytes;
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.FitFromSource(network, source);
            return GC.GetAllocatedBytesForCurrentThread() - before + (pool.WorkerAllocatedBytes - workers) + (SourceBatches.WorkerAllocatedBytes - reader);
        }

        Allocated(1);
        long one = Allocated(1);
        long five = Allocated(5);

        (five - one).Should().BeLessThan(4 * 2048, $"1 epoch allocated {one:N0} bytes and 5 epochs {five:N0}");
    }
}
