using System.Globalization;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.MLNet;
using TransferLearning.Samples;

namespace MLNetPipeline;

/// <summary>
/// With no command: Fashion-MNIST classes 0–4 (T-shirt/top … Coat) are the source, a few examples per class of
/// classes 5–9 (Sandal … Ankle boot) the target; every arm is an ML.NET pipeline evaluated by ML.NET on all test
/// images of classes 5–9.
/// </summary>
/// <param name="console">Where the run goes.</param>
public sealed class DemoCommand(IAnsiConsole console) : Command<SampleSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, SampleSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var images = FashionMnistImages.Load(settings.DataDirectory, settings.Subset);
        console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
        int sourcePerClass = settings.Quick ? 300 : 2000;
        int targetPerClass = settings.Quick ? 20 : 100;
        int epochs = settings.Quick ? 3 : 10;
        string folder = Directory.CreateTempSubdirectory("transferlearning-mlnet-").FullName;
        string source = FashionPipeline.Write(folder, "source.csv", images.Train.FilterClasses(0, 1, 2, 3, 4).TakePerClass(sourcePerClass, seed: 1, allowFewer: true));
        string target = FashionPipeline.Write(folder, "target.csv", images.Train.FilterClasses(5, 6, 7, 8, 9).TakePerClass(targetPerClass, seed: 2, allowFewer: true));
        string test = FashionPipeline.Write(folder, "test.csv", images.Test.FilterClasses(5, 6, 7, 8, 9));
        console.MarkupLineInterpolated($"CSV rows in [blue]{folder}[/]: source (classes 0–4, up to {sourcePerClass} per class), target (classes 5–9, {targetPerClass} per class), test (all test images of classes 5–9).");

        var ml = new MLContext(seed: 0);
        var testView = FashionPipeline.Load(ml, test);
        var targetView = FashionPipeline.Load(ml, target);
        var (featurizer, pretrained, pretrainTime) = FashionPipeline.Pretrain(ml, FashionPipeline.Load(ml, source), classes: 5, epochs, seed: 0);
        console.MarkupLineInterpolated($"Pretrained in ML.NET (NeuralNetwork trainer, {epochs} epochs) in {pretrainTime.TotalSeconds:F1} s: {pretrained.Network}");

        var transfer = FashionPipeline.FitAndEvaluate(ml, () => FashionPipeline.Transfer(ml, featurizer, pretrained, targetView, seed: 0), testView);
        var scratch = FashionPipeline.FitAndEvaluate(ml, () => FashionPipeline.Scratch(ml, targetView, classes: 5, epochs: 30, seed: 0), testView);
        var sdca = FashionPipeline.FitAndEvaluate(ml, () => FashionPipeline.Sdca(ml, targetView), testView);
        var arms = new[]
        {
            ("Transfer (TransferLearning.MLNet)", transfer.Metrics, transfer.Elapsed),
            ("Same network from scratch (NeuralNetwork)", scratch.Metrics, scratch.Elapsed),
            ("SdcaMaximumEntropy (ML.NET)", sdca.Metrics, sdca.Elapsed),
        };
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Trainer", "Accuracy", "Macro accuracy", "Log-loss", "Fit time (s)");
        foreach (var (name, metrics, elapsed) in arms)
        {
            table.AddRow(
                name,
                metrics.MicroAccuracy.ToString("F3", CultureInfo.InvariantCulture),
                metrics.MacroAccuracy.ToString("F3", CultureInfo.InvariantCulture),
                metrics.LogLoss.ToString("F3", CultureInfo.InvariantCulture),
                elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var network = transfer.Model.OfType<NetworkTransformer>().Single();
        console.MarkupLineInterpolated($"What the transfer decided: [green]{network.Decision}[/]");

        string modelPath = Path.Combine(folder, "transfer-pipeline.zip");
        ml.Model.SaveWithNetworks(transfer.Model, targetView.Schema, modelPath);
        console.MarkupLineInterpolated($"Saved the transfer's pipeline to [blue]{modelPath}[/] (SaveWithNetworks: ML.NET's parts in ML.NET's format, the network in this library's).");
        if (settings.JsonPath is { } json)
        {
            JsonReport.Write(json, new
            {
                data = images.Description,
                sourcePerClass,
                targetPerClass,
                pretrainSeconds = pretrainTime.TotalSeconds,
                arms = arms.Select(a => new { name = a.Item1, accuracy = a.Item2.MicroAccuracy, macroAccuracy = a.Item2.MacroAccuracy, logLoss = a.Item2.LogLoss, fitSeconds = a.Item3.TotalSeconds }),
                decision = network.Decision?.ToString(),
            });
        }

        return Program.Run(["predict", modelPath, test, "--show", "5"], console);
    }
}
