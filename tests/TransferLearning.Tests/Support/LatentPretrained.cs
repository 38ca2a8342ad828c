using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Support;

/// <summary>One network (32 → 128 → 64 → 64 classes) pretrained on the synthetic latent source task, made once per test class.</summary>
public sealed class LatentPretrained
{
    public const int SourceCount = 10_000;

    public LatentPretrained()
    {
        var source = SyntheticData.LatentTasks(SourceCount, 1, 1, related: true, seed: 0).Source;
        var architecture = TransferLearning.Networks.Network.Create(32, seed: 0)
            .Dense(128, Activation.ReLU)
            .Dense(64, Activation.ReLU)
            .Dense(64, Activation.Softmax);
        Network = new TransferPipeline().Pretrain(
            architecture, source, new TrainingOptions { Epochs = 8, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 2e-3f } });
    }

    public PretrainedNetwork Network { get; }

    /// <summary>Target tasks of the same world (seed 0) as the source.</summary>
    public static TransferTasks Tasks(int perClass, bool related, int testPerClass = 1) =>
        SyntheticData.LatentTasks(SourceCount, perClass, testPerClass, related, seed: 0);
}
