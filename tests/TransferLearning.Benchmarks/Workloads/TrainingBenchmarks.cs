using BenchmarkDotNet.Attributes;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// W1, W2, W2c and W3 (DESIGN.md §7) under BenchmarkDotNet, with the memory diagnoser: the allocated
// bytes of an epoch are the per-run setup (workspace, reports), not a per-mini-batch cost.
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class TrainingBenchmarks
{
    private Network _w1 = null!;
    private Network _w2 = null!;
    private Network _head = null!;
    private Dataset _cached = null!;
    private float[] _features = null!;
    private float[] _output = null!;

    [ParamsSource(nameof(BackendNames))]
    public string Backend { get; set; } = "Managed";

    public static IEnumerable<string> BackendNames() => TrainingWorkloadData.Backends().Select(
        b => b == ComputeBackend.Managed ? "Managed" : b.Name.StartsWith("Managed", StringComparison.Ordinal) ? "ManagedBFloat16" : "NativeBlas");

    [GlobalSetup]
    public void Setup()
    {
        var backend = Backend switch
        {
            "Managed" => ComputeBackend.Managed,
            "ManagedBFloat16" => ComputeBackend.ManagedBFloat16(),
            _ => ComputeBackend.NativeBlas(),
        };
        _w1 = TrainingWorkloadData.Mlp(backend);
        _w2 = TrainingWorkloadData.FrozenBodyMlp(backend);
        _features = new float[256 * TrainingWorkloadData.TrainCount];
        _w2.Inference.Run(TrainingWorkloadData.Train.FeatureData, TrainingWorkloadData.TrainCount, 0, 2, _features, "x");
        _cached = TrainingWorkloadData.Train.WithFeatures((float[])_features.Clone(), 256);
        _head = Network.Create(256, seed: 7).Add(_w2.DenseLayers[2].Clone());
        _head.TrainingBackend = backend;
        _output = new float[TrainingWorkloadData.Classes * TrainingWorkloadData.TestCount];
    }

    [Benchmark(Description = "W1 epoch")]
    public TrainingHistory W1() => new Trainer(TrainingWorkloadData.EpochOptions).Fit(_w1, TrainingWorkloadData.Train);

    [Benchmark(Description = "W2 head-only epoch (no cache)")]
    public TrainingHistory W2() => new Trainer(TrainingWorkloadData.EpochOptions with { CacheFrozenFeatures = false }).Fit(_w2, TrainingWorkloadData.Train);

    [Benchmark(Description = "W2c feature pass")]
    public void W2cFeatures() => _w2.Inference.Run(TrainingWorkloadData.Train.FeatureData, TrainingWorkloadData.TrainCount, 0, 2, _features, "x");

    [Benchmark(Description = "W2c head epoch")]
    public TrainingHistory W2cEpoch() => new Trainer(TrainingWorkloadData.EpochOptions).Fit(_head, _cached);

    [Benchmark(Description = "W3 inference 10k, batch 1000")]
    public void W3() => _w1.Inference.Run(TrainingWorkloadData.Test.FeatureData, TrainingWorkloadData.TestCount, 0, 3, _output, "x");
}
