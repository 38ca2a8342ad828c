using TransferLearning.Benchmarks.Quick;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// Workloads W1, W2, W2c and W3 of DESIGN.md §7 in quick mode, for every backend: seconds per epoch (or pass).
public sealed class TrainingQuickWorkload : IQuickWorkload
{
    public string Id => "W";

    public string Title => "Training and inference, 784-512-256-10 on 60,000 + 10,000 examples (W1, W2, W2c, W3)";

    public IEnumerable<QuickCase> CreateCases()
    {
        foreach (var backend in TrainingWorkloadData.Backends())
        {
            string name = backend.Name;

            Network? w1 = null;
            yield return Heavy("W1", "epoch", name, () => w1 = TrainingWorkloadData.Mlp(backend),
                () => new Trainer(TrainingWorkloadData.EpochOptions).Fit(w1!, TrainingWorkloadData.Train)) with { FloorGflop = Full };

            // W1a: W1 at batch 32 with Adam 1e-3, the transfer default (DESIGN.md §7).
            Network? w1a = null;
            var adam = TrainingWorkloadData.EpochOptions with { BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-3f } };
            yield return Heavy("W1a", "epoch", name, () => w1a = TrainingWorkloadData.Mlp(backend),
                () => new Trainer(adam).Fit(w1a!, TrainingWorkloadData.Train)) with { FloorGflop = Full };

            Network? w2 = null;
            var uncached = TrainingWorkloadData.EpochOptions with { CacheFrozenFeatures = false };
            yield return Heavy("W2", "head-only epoch", name, () => w2 = TrainingWorkloadData.FrozenBodyMlp(backend),
                () => new Trainer(uncached).Fit(w2!, TrainingWorkloadData.Train)) with { FloorGflop = TrainingFlops.EpochGflop(TrainingWorkloadData.Sizes, 2, TrainingWorkloadData.TrainCount) };

            // W2c: the frozen body's features, computed once; then head-only epochs on them.
            Network? body = null;
            float[]? features = null;
            yield return Heavy("W2c", "feature pass", name,
                () =>
                {
                    body = TrainingWorkloadData.FrozenBodyMlp(backend);
                    features = new float[256 * TrainingWorkloadData.TrainCount];
                },
                () => body!.Inference.Run(TrainingWorkloadData.Train.FeatureData, TrainingWorkloadData.TrainCount, 0, 2, features, "x"));

            Network? head = null;
            Dataset? cached = null;
            yield return Light("W2c", "head epoch", name,
                () =>
                {
                    var network = TrainingWorkloadData.FrozenBodyMlp(backend);
                    var f = new float[256 * TrainingWorkloadData.TrainCount];
                    network.Inference.Run(TrainingWorkloadData.Train.FeatureData, TrainingWorkloadData.TrainCount, 0, 2, f, "x");
                    cached = TrainingWorkloadData.Train.WithFeatures(f, 256);
                    head = Network.Create(256, seed: 7).Add(network.DenseLayers[2].Clone());
                    head.TrainingBackend = backend;
                },
                () => new Trainer(TrainingWorkloadData.EpochOptions).Fit(head!, cached!)) with { FloorGflop = TrainingFlops.EpochGflop(TrainingWorkloadData.Sizes, 2, TrainingWorkloadData.TrainCount, firstComputed: 2) };

            Network? w3 = null;
            float[]? output = null;
            yield return Light("W3", "inference 10k", name,
                () =>
                {
                    w3 = TrainingWorkloadData.Mlp(backend);
                    output = new float[TrainingWorkloadData.Classes * TrainingWorkloadData.TestCount];
                },
                () => w3!.Inference.Run(TrainingWorkloadData.Test.FeatureData, TrainingWorkloadData.TestCount, 0, 3, output, "x"));
        }
    }

    // W1's float32 GFLOP (every layer trains): 144.4.
    internal static double Full => TrainingFlops.EpochGflop(TrainingWorkloadData.Sizes, 0, TrainingWorkloadData.TrainCount);

    // About a second an iteration: one warm-up and two samples a round.
    internal static QuickCase Heavy(string workload, string label, string backend, Action setup, Action iteration) =>
        new(workload, label, backend, "s", HigherIsBetter: false, setup, iteration, seconds => seconds)
        {
            Warmup = 1,
            MinSamples = 2,
            TargetSecondsPerRound = 0,
        };

    private static QuickCase Light(string workload, string label, string backend, Action setup, Action iteration) =>
        new(workload, label, backend, "s", HigherIsBetter: false, setup, iteration, seconds => seconds)
        {
            Warmup = 2,
            MinSamples = 5,
            TargetSecondsPerRound = 0.5,
        };
}
