using TransferLearning.Networks;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace WakeWord;

/// <summary>How the detector is built and trained, and how many examples it gets.</summary>
public sealed record WakeWordOptions
{
    /// <summary>Gets the class to detect.</summary>
    /// <value>The default is 9, "Ankle boot".</value>
    public int DetectedClass { get; init; } = 9;

    /// <summary>Gets the positive training examples (the few recordings of the wake word).</summary>
    /// <value>The default is 25.</value>
    public int Positives { get; init; } = 25;

    /// <summary>Gets the negative examples per positive, in training and in validation.</summary>
    /// <value>The default is 20.</value>
    public double NegativesPerPositive { get; init; } = 20;

    /// <summary>Gets the positive validation examples the threshold is chosen on.</summary>
    /// <value>The default is 25.</value>
    public int ValidationPositives { get; init; } = 25;

    /// <summary>Gets the number of seeds (each draws its own examples and initialisation).</summary>
    /// <value>The default is 3.</value>
    public int Seeds { get; init; } = 3;

    /// <summary>Gets the epochs of pretraining on the other nine classes.</summary>
    /// <value>The default is 10.</value>
    public int PretrainEpochs { get; init; } = 10;

    /// <summary>Gets the strategies compared; the first is the source text's (reuse the body, train the new layers).</summary>
    /// <value>The default is HeadOnly, FullFineTune and FromScratch.</value>
    public IReadOnlyList<TransferStrategy> Strategies { get; init; } = [TransferStrategy.HeadOnly, TransferStrategy.FullFineTune, TransferStrategy.FromScratch];

    /// <summary>Gets the new layers put in place of the source's output layer: several, ending in one sigmoid unit.</summary>
    /// <value>The default is Dense(64, ReLU), Dense(32, ReLU), Dense(1, Sigmoid).</value>
    public IReadOnlyList<LayerSpec> NewLayers { get; init; } =
        [LayerSpec.Dense(64, Activation.ReLU), LayerSpec.Dense(32, Activation.ReLU), LayerSpec.Dense(1, Activation.Sigmoid)];

    /// <summary>Gets the training of the detector (binary cross-entropy, from the sigmoid output).</summary>
    /// <value>The default is 30 epochs of Adam 1e-3 in batches of 16.</value>
    public TrainingOptions Training { get; init; } = new() { Epochs = 30, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-3f } };
}
