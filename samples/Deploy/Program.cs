// Deploy: a model that travels as one file. `train` reads a CSV of raw rows with text labels, standardises,
// trains, and saves the network with its standardisation, class names and provenance in one safetensors file
// (and an ONNX file that standardises raw rows too); `predict`, in any other process, loads that one file and
// names the class of raw rows. With no command it runs both on Fashion-MNIST rows it writes as CSV.
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;

namespace Deploy;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        var app = new CommandApp<DemoCommand>().WithDescription(
            "A model that deploys as one file: train on CSV rows with text labels, save, and predict class names from raw rows in another process.");
        app.Configure(config =>
        {
            SampleCommandLine.Configure(config, console, "Deploy");
            config.AddCommand<TrainCommand>("train").WithDescription("Train on a CSV file of raw rows with a label column; save the model (and its ONNX export).");
            config.AddCommand<PredictCommand>("predict").WithDescription("Load a saved model and predict the class of every row of a CSV file of raw rows.");
        });
        return app.Run(args);
    }
}
