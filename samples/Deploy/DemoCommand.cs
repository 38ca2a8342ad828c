using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Data;
using TransferLearning.Samples;

namespace Deploy;

/// <summary>
/// With no command: writes Fashion-MNIST rows as a user's CSV files (raw pixels 0–255, class names as labels), then
/// trains and saves a model from the training file and predicts the test file — whose rows hold only three of the
/// ten classes — with the saved file alone.
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
        string folder = Path.Combine(Path.GetTempPath(), "transferlearning-deploy");
        Directory.CreateDirectory(folder);
        string train = Path.Combine(folder, "train.csv");
        string test = Path.Combine(folder, "test.csv");
        string model = Path.Combine(folder, "model.safetensors");
        CsvRows.Write(train, images.Train.TakePerClass(settings.Quick ? 50 : 200, seed: 1));
        CsvRows.Write(test, images.Test.FilterClasses(7, 8, 9).TakePerClass(20, seed: 2));
        console.MarkupLineInterpolated($"Wrote [blue]{train}[/] (10 classes) and [blue]{test}[/] (Sneaker, Bag, Ankle boot only).");

        int trained = Program.Run(["train", train, "--model", model, "--onnx", Path.ChangeExtension(model, ".onnx"), "--epochs", settings.Quick ? "5" : "10"], console);
        return trained != 0 ? trained : Program.Run(["predict", model, test, "--label", "label", .. settings.JsonPath is { } json ? new[] { "--json", json } : []], console);
    }
}
