// QuickStart: (1) build a small network, train it on two interleaved spirals it makes itself, and print
// the loss falling and the final accuracy; (2) transfer: pretrain on a rich source task, replace the
// output layer, and let the data-size policy decide what to retrain — and say why.
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace QuickStart;

public static class Program
{
    public static int Main()
    {
        var output = Console.Out;
        var basics = Run(output);
        output.WriteLine();
        var transfer = RunTransfer(output);
        return basics.TestAccuracy >= 0.95 && transfer.HeadOnlyAccuracy > transfer.FromScratchAccuracy ? 0 : 1;
    }

    /// <summary>Part 1, the dense core. Tests call it so the code the README shows keeps compiling and working.</summary>
    public static QuickStartResult Run(TextWriter output)
    {
        // 1. Data: two spirals, 400 points each; hold out a quarter for testing.
        var (train, test) = SyntheticData.Spirals(perClass: 400, noise: 0.02f, seed: 1).Split(0.75, seed: 2);

        // 2. A network: 2 inputs → 64 → 64 (ReLU) → 2 classes (softmax).
        var network = Network.Create(inputSize: 2, seed: 7)
            .Dense(64, Activation.ReLU)
            .Dense(64, Activation.ReLU)
            .Dense(2, Activation.Softmax);
        output.WriteLine(network);
        output.WriteLine($"Compute backend: {network.TrainingBackend}");

        // 3. Train with Adam, mini-batches of 32, and watch the loss fall.
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = 60,
            BatchSize = 32,
            Optimizer = new AdamOptions { LearningRate = 0.01f },
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

        // 5. Predict one example at a time: spans in and out, nothing allocated per call.
        float[] point = [0.5f, -0.25f];
        Span<float> probabilities = stackalloc float[2];
        network.Predict(point, probabilities);
        int predicted = network.PredictClass(point);
        output.WriteLine($"Point (0.5, -0.25): class {predicted}, probabilities {probabilities[0]:F3} and {probabilities[1]:F3}");

        // 6. Export to ONNX (package TransferLearning.Onnx), to serve with ONNX Runtime.
        string onnxPath = Path.Combine(Path.GetTempPath(), "quickstart-spirals.onnx");
        network.ExportOnnx(onnxPath);
        output.WriteLine($"Exported {onnxPath}");
        return new QuickStartResult(history.Epochs[0].TrainLoss, history.Last.TrainLoss, score.Accuracy ?? 0);
    }

    /// <summary>Part 2, transfer learning, on tasks that share a latent structure (see SyntheticData.LatentTasks).</summary>
    public static TransferQuickStartResult RunTransfer(TextWriter output)
    {
        // Task A: 20,000 examples, 64 classes. Task B: the same inputs x, 5 classes, 10 examples per class.
        var tasks = SyntheticData.LatentTasks(sourceCount: 20_000, targetPerClass: 10, targetTestPerClass: 200, related: true, seed: 0);

        // Pretrain on A.
        var pipeline = new TransferPipeline();
        var architecture = Network.Create(inputSize: 32, seed: 0)
            .Dense(128, Activation.ReLU)
            .Dense(64, Activation.ReLU)
            .Dense(64, Activation.Softmax);
        var pretrained = pipeline.Pretrain(architecture, tasks.Source, new TrainingOptions { Epochs = 8, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 2e-3f } });

        // Does transfer make sense? The source text's three conditions, with evidence.
        output.WriteLine(new TransferAdvisor().Advise(pretrained, tasks.Target));

        // Transfer to B: strip W[L], b[L]; a new random softmax head; the policy decides what trains.
        var options = new TransferOptions
        {
            NewLayers = [LayerSpec.Dense(5, Activation.Softmax)],
            Policy = DataSizePolicy.Default,
            Training = new TrainingOptions { Epochs = 60, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 3e-3f } },
        };
        var result = pipeline.Transfer(pretrained, tasks.Target, options);
        output.WriteLine($"Decision: {result.Decision}");
        output.WriteLine(result.Network);

        // The baseline every transfer is measured against: the same network trained from scratch on B.
        var scratch = pipeline.Transfer(pretrained, tasks.Target, options with { Policy = TransferPolicy.Fixed(TransferStrategy.FromScratch) });
        double transferred = result.Network.Evaluate(tasks.TargetTest).Accuracy ?? 0;
        double baseline = scratch.Network.Evaluate(tasks.TargetTest).Accuracy ?? 0;
        output.WriteLine($"Target test accuracy: {result.Strategy} {transferred:P1}, FromScratch {baseline:P1}");
        return new TransferQuickStartResult(result.Strategy, transferred, baseline);
    }
}

public sealed record QuickStartResult(double FirstLoss, double LastLoss, double TestAccuracy);

public sealed record TransferQuickStartResult(TransferStrategy Strategy, double HeadOnlyAccuracy, double FromScratchAccuracy);
