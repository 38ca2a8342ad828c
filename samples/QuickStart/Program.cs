// QuickStart: build a small network, train it on two interleaved spirals it makes itself, and print
// the loss falling and the final accuracy.
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Training;

namespace QuickStart;

public static class Program
{
    public static int Main()
    {
        var result = Run(Console.Out);
        return result.TestAccuracy >= 0.95 ? 0 : 1;
    }

    /// <summary>The whole sample; tests call it so the code the README shows keeps compiling and working.</summary>
    public static QuickStartResult Run(TextWriter output, int epochs = 60)
    {
        // 1. Data: two spirals, 400 points each; hold out a quarter for testing.
        var (train, test) = SyntheticData.Spirals(perClass: 400, noise: 0.02f, seed: 1).Split(0.75, seed: 2);

        // 2. A network: 2 inputs → 64 → 64 (ReLU) → 2 classes (softmax).
        var network = Network.Create(inputSize: 2, seed: 7)
            .Dense(64, Activation.ReLU)
            .Dense(64, Activation.ReLU)
            .Dense(2, Activation.Softmax);
        output.WriteLine(network);
        output.WriteLine($"Compute backend: {network.Backend}");

        // 3. Train with Adam, mini-batches of 32, and watch the loss fall.
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 32,
            Optimizer = Optimizers.Adam(learningRate: 0.01f),
            Schedule = LearningRateSchedule.Cosine(),
            Seed = 3,
        });
        var history = trainer.Fit(network, train, validation: test);
        foreach (var epoch in history.Epochs.Where(e => e.Epoch == 1 || e.Epoch % 10 == 0))
        {
            output.WriteLine(epoch);
        }

        // 4. Score it.
        var score = network.Evaluate(test);
        output.WriteLine($"Test: {score}");
        return new QuickStartResult(history.Epochs[0].TrainLoss, history.Last.TrainLoss, score.Accuracy ?? 0);
    }
}

public sealed record QuickStartResult(double FirstLoss, double LastLoss, double TestAccuracy);
