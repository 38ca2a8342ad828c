// TransferLab: pretrain on a source task, transfer to a target with 10 … 1,000 examples per class, and
// compare every strategy with training from scratch — on a set-up where the pretrained features help and
// on one where they do not — with what the data-size policy, Auto and the advisor say about each.
using Spectre.Console;
using TransferLearning.Samples;

namespace TransferLab;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console) =>
        SampleCommandLine.Run<TransferLabCommand>(
            args,
            console,
            "TransferLab",
            "Pretrain on a source task, transfer to 10 … 1,000 examples per class, and compare every strategy with training from scratch.");
}
