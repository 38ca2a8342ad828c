using MathNet.Numerics.Random;
using TransferLearning.Benchmarks.Workloads;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>Training from a file larger than the memory the run may take besides the page cache, with the in-memory run's weights.</summary>
[Collection(nameof(Compute.AllocationSensitive))]
public sealed class SourceScaleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void FitFromSource_FileLargerThanTheMemoryLimit_StaysUnderItAndMatchesTheInMemoryWeights()
    {
        Skip.IfNot(ResidentMemory.IsAvailable, "needs /proc/self/status (Linux) to read the resident set");

        // 400,000 × 784 uint8 = 314 MB on disk (1.25 GB as a float32 Dataset); the streamed run may add at most 96 MB of
        // anonymous memory (heap, stacks, buffers: what is not page cache) to what the process held before it.
        const int rows = 400_000;
        const int inputs = 784;
        const long limit = 96L << 20;
        string x = _folder.File("x.npy");
        string y = _folder.File("y.npy");
        var random = new Xoshiro256StarStar(5);
        using (var stream = File.Create(x))
        {
            NpyFormat.Write(stream, "|u1", rows, inputs);
            var block = new byte[10_000 * inputs];
            for (int done = 0; done < rows; done += 10_000)
            {
                random.NextBytes(block);
                stream.Write(block);
            }
        }

        NpyFormat.Save<byte>(y, Enumerable.Range(0, rows).Select(_ => (byte)random.Next(10)).ToArray(), rows);
        new FileInfo(x).Length.Should().BeGreaterThan(limit * 3, "the file must be larger than the limit");
        var options = new TrainingOptions { Epochs = 1, BatchSize = 128, Seed = 3, Optimizer = new SgdOptions { LearningRate = 0.01f, Momentum = 0.9f } };
        static Network Mlp() => Network.Create(inputs, seed: 2).Dense(64, Activation.ReLU).Dense(10, Activation.Softmax);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var (before, _) = ResidentMemory.Now();
        var streamed = Mlp();
        long peak;
        using (var source = NpySource.Open(x, y, scale: 1f / 255))
        using (var memory = new ResidentMemory(periodMilliseconds: 10))
        {
            new Trainer(options).FitFromSource(streamed, source);
            memory.Dispose();
            peak = memory.PeakAnonymous;
        }

        (peak - before).Should().BeLessThan(limit, $"RssAnon went from {before >> 20} MB to a peak of {peak >> 20} MB while streaming a {new FileInfo(x).Length >> 20} MB file");

        Dataset inMemory;
        using (var source = NpySource.Open(x, y, scale: 1f / 255))
        {
            inMemory = source.ToDataset();
        }

        var fitted = Mlp();
        new Trainer(options).FitFromSource(fitted, DataSource.FromDataset(inMemory));
        Weights.AreIdentical(Weights.Of(fitted), Weights.Of(streamed)).Should().BeTrue("the same order gives the same weights from the file and from memory");
    }
}
