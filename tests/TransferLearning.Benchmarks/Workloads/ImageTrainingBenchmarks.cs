using BenchmarkDotNet.Attributes;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// W1-images under BenchmarkDotNet (quick mode's WI): W1 and W1a on Fashion-MNIST's 60,000 training images, the first
// layer's products skipping zero inputs (SkipsZeroInputs, the default) or dense. Needs the data set installed.
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ImageTrainingBenchmarks
{
    private Dataset _images = null!;
    private Network _w1 = null!;
    private Network _w1a = null!;

    [Params(true, false)]
    public bool SkipsZeroInputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _images = FashionMnistFolders.Load().Train;
        _w1 = TrainingWorkloadData.Mlp(ComputeBackend.Managed);
        _w1.SkipsZeroInputs = SkipsZeroInputs;
        _w1a = TrainingWorkloadData.Mlp(ComputeBackend.Managed);
        _w1a.SkipsZeroInputs = SkipsZeroInputs;
    }

    [Benchmark(Description = "W1 epoch, images")]
    public TrainingHistory W1() => new Trainer(TrainingWorkloadData.EpochOptions).Fit(_w1, _images);

    [Benchmark(Description = "W1a epoch (batch 32, Adam), images")]
    public TrainingHistory W1a() =>
        new Trainer(TrainingWorkloadData.EpochOptions with { BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f } }).Fit(_w1a, _images);
}
