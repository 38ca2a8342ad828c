// WhenTransferHurts: the source text's reversed case — 100 source examples and 1,000 target examples. Each
// target example is worth more than a source example: transfer has little to give. The data-size policy checks the
// frozen body against training from scratch on held-out parts of the target and trains from scratch; the advisor
// says transfer is unlikely to help.
using Spectre.Console;
using TransferLearning.Samples;

namespace WhenTransferHurts;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console) =>
        SampleCommandLine.Run<WhenTransferHurtsCommand>(
            args,
            console,
            "WhenTransferHurts",
            "100 source and 1,000 target examples: transfer has little to give; the policy measures it on held-out data and trains from scratch, and the advisor says so.");
}
