using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.OnnxRuntime;
using TransferLearning.Samples;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace PretrainedCnn;

/// <summary>PretrainedCnn's run: load the ONNX CNN as a body, pretrain the dense body, compare every column at every N, print, plot, write the numbers.</summary>
/// <param name="console">Where the tables and progress go.</param>
public sealed class PretrainedCnnCommand(IAnsiConsole console) : Command<SampleSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, SampleSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var images = FashionMnistImages.Load(settings.DataDirectory, settings.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        var options = Options(settings);
        console.MarkupLineInterpolated($"[grey]{(settings.Quick ? "Quick run (dense body pretrained 2 epochs, Auto with 3 folds)" : "Full run")}: N ∈ {{{string.Join(", ", options.PerClass)}}} per class, {options.Seeds} seed(s).[/]");
        var setup = FashionMnistTasks.FirstFiveToLastFive(
            images,
            "cnn",
            "A PyTorch CNN on ONNX Runtime as the body: classes 0–4 (T-shirt/top … coat) → classes 5–9 (sandal … ankle boot)",
            new TrainingOptions { Epochs = settings.Quick ? 2 : 10, BatchSize = 128, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = 1 });

        using var convolutions = OnnxBody.Load(PretrainedCnnExperiment.ModelPath, PretrainedCnnExperiment.BodyOptions);
        var cnn = PretrainedCnnExperiment.Cnn(convolutions, PretrainedCnnExperiment.ModelPath);
        console.MarkupLineInterpolated($"Body: [green]{convolutions}[/], then its dense top imported as trainable layers: {string.Join(" → ", cnn.Network.Layers.Skip(1).Select(l => l.ToSpec().ToString()))}.");
        console.MarkupLineInterpolated($"The CNN on the source's test images (classes 0–4): {cnn.Network.Evaluate(setup.SourceTest).Accuracy:P1}.");
        var speed = PretrainedCnnExperiment.TimeExtraction(convolutions, setup.TargetTest);
        console.MarkupLineInterpolated($"Feature extraction on ONNX Runtime: {speed.Images:N0} images in {speed.Seconds:F2} s, {speed.ImagesPerSecond:N0} images/s ({Environment.ProcessorCount} cores).");

        var dense = ProgressDisplay.Run(console, "pretraining the dense body", _ => new TransferPipeline().Pretrain(StrategyComparison.Architecture(setup), setup.Source, setup.Pretraining));
        var arms = PretrainedCnnExperiment.Arms(dense, cnn, settings.Quick ? new AutoSelectionOptions { Folds = 3 } : null);
        var result = ProgressDisplay.Run(console, setup.Name, progress => PretrainedCnnExperiment.Run(setup, dense, cnn, arms, options, progress));
        ComparisonReport.Print(console, result);

        string plot = settings.PlotPath ?? "pretrainedcnn.png";
        Chart.Save(plot, [ComparisonReport.Panel(result, "A PyTorch CNN (ONNX) as the body: classes 0–4 → 5–9")]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, new { result, extraction = speed, body = convolutions.ToString() });
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The full run (N = 10 … 1,000, 3 seeds) or the quick one (N = 10 and 100, 1 seed).</summary>
    public static ComparisonOptions Options(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Quick ? new ComparisonOptions { PerClass = [10, 100], Seeds = 1 } : new ComparisonOptions();
        return options with { Seeds = settings.Seeds ?? options.Seeds };
    }
}
