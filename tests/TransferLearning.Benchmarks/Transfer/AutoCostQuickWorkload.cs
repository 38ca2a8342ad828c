using TransferLearning.Benchmarks.Quick;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Benchmarks.Transfer;

// Auto's cost (DESIGN.md §7): the wall time of a whole transfer with TransferPolicy.Auto() — measuring the
// candidates and training the chosen one — against each candidate's own full training, on the same target:
// Fashion-MNIST classes 5–9 with N examples per class, a 784-512-256 body pretrained (2 epochs) on classes 0–4.
// Default TransferOptions (30 epochs, batches of 32, Adam 1e-3, at least 500 steps). Needs Fashion-MNIST
// (apt-get install dataset-fashion-mnist, or FASHION_MNIST_DIR). "A" runs N = 300 in quick mode; "A1000"
// (N = 1,000, about 4 minutes a round) runs only when asked for: quick --workload A1000.
public sealed class AutoCostQuickWorkload(int perClass) : IQuickWorkload
{
    private static readonly Lazy<(PretrainedNetwork Pretrained, Dataset Pool)> Shared = new(() =>
    {
        var data = TransferLearning.Samples.FashionMnistFolders.Load();
        var architecture = Network.Create(784, seed: 0)
            .Dense(512, Activation.ReLU)
            .Dense(256, Activation.ReLU)
            .Dense(5, Activation.Softmax);
        var pretrained = new TransferPipeline().Pretrain(
            architecture, data.Train.FilterClasses(0, 1, 2, 3, 4), new TrainingOptions { Epochs = 2, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f } });
        return (pretrained, data.Train.FilterClasses(5, 6, 7, 8, 9));
    });

    public string Id => perClass == 300 ? "A" : $"A{perClass}";

    public string Title => $"Auto's cost: a whole Auto transfer against each candidate's full training, Fashion-MNIST 0–4 → 5–9, {perClass} per class";

    public bool RunsByDefault => perClass <= 300;

    public IEnumerable<QuickCase> CreateCases()
    {
        Dataset? target = null;
        void Setup() => target ??= Shared.Value.Pool.TakePerClass(perClass, seed: 0);
        var pipeline = new TransferPipeline();
        TransferStrategy[] candidates = [TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1), TransferStrategy.FullFineTune, TransferStrategy.TwoPhase];
        foreach (var strategy in candidates)
        {
            yield return Case(strategy.ToString(), Setup, () => pipeline.Transfer(Shared.Value.Pretrained, target!, new TransferOptions { Policy = TransferPolicy.Fixed(strategy) }));
        }

        yield return Case("Auto (whole)", Setup, () => pipeline.Transfer(Shared.Value.Pretrained, target!, new TransferOptions { Policy = TransferPolicy.Auto() }));
    }

    private QuickCase Case(string name, Action setup, Action iteration) =>
        new(Id, name, "Managed", "s", false, setup, iteration, seconds => seconds)
        {
            TargetSecondsPerRound = 0,
            MinSamples = 1,
            MaxSamples = 1,
            Warmup = 0,
        };
}
