using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Support;

/// <summary>A small pretrained network (32 → 24 → 16 → 64 classes) and a 5-class target, made once per test class.</summary>
public sealed class SmallTransfer
{
    public SmallTransfer()
    {
        Tasks = SyntheticData.LatentTasks(sourceCount: 2000, targetPerClass: 20, targetTestPerClass: 20, related: true, seed: 5);
        var architecture = Network.Create(32, seed: 1)
            .Dense(24, Activation.ReLU)
            .Dense(16, Activation.ReLU)
            .Dense(64, Activation.Softmax);
        Pretrained = new TransferPipeline().Pretrain(
            architecture, Tasks.Source, new TrainingOptions { Epochs = 3, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 3e-3f } });
    }

    public TransferTasks Tasks { get; }

    public PretrainedNetwork Pretrained { get; }

    public static TransferOptions Options(TransferStrategy strategy, int seed = 0) => new()
    {
        Policy = TransferPolicy.Fixed(strategy),
        Seed = seed,
        MinTrainingSteps = 0,
        Training = new TrainingOptions { Epochs = 3, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = seed },
    };
}
