// MLNetPipeline: the library as a step of an ML.NET pipeline. With no command it writes Fashion-MNIST rows as CSV
// files, pretrains a network on classes 0–4 inside ML.NET, and compares — on a few examples of classes 5–9 — the
// transfer of that network with the same network from scratch and with ML.NET's SdcaMaximumEntropy, all as ML.NET
// pipelines (LoadFromTextFile → MapValueToKey → Concatenate → NormalizeMinMax → trainer) evaluated by ML.NET. It
// saves the transfer's pipeline; `predict` loads it in another process and scores rows of a CSV file.
using Spectre.Console;
using Spectre.Console.Cli;
using TransferLearning.Samples;

namespace MLNetPipeline;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        var app = new CommandApp<DemoCommand>().WithDescription(
            "TransferLearning in an ML.NET pipeline: transfer a pretrained network beside ML.NET's own multiclass trainer, on Fashion-MNIST rows read from CSV.");
        app.Configure(config =>
        {
            SampleCommandLine.Configure(config, console, "MLNetPipeline");
            config.AddCommand<PredictCommand>("predict").WithDescription("Load a pipeline saved by SaveWithNetworks and score every row of a CSV file.");
        });
        return app.Run(args);
    }
}
