// PretrainedCnn: a model someone else pretrained — a small CNN trained with PyTorch on Fashion-MNIST classes 0–4
// and exported to ONNX — as the frozen body of a transfer to classes 5–9, on ONNX Runtime. Against the library's
// own dense body pretrained on the same classes and against training from scratch, with what the policy, Auto
// and the advisor say at each size.
using Spectre.Console;
using TransferLearning.Samples;

namespace PretrainedCnn;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console) =>
        SampleCommandLine.Run<PretrainedCnnCommand>(
            args,
            console,
            "PretrainedCnn",
            "A PyTorch CNN (ONNX, classes 0–4) as a frozen body for classes 5–9 on ONNX Runtime, against the library's dense body and training from scratch.");
}
