// WakeWord: the source text's speech → wake-word story on images. Reuse a body pretrained on nine classes of
// clothing, put several new layers ending in one sigmoid unit on top, and detect the tenth class ("Ankle
// boot") against all others from a few positive examples; package each detector as a deployable Model whose decision
// threshold the library chooses on validation data (Model.WithDecisionThreshold),
// and report precision, recall and F1 on the test images, with the precision–recall curve.
using Spectre.Console;
using TransferLearning.Samples;

namespace WakeWord;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console) =>
        SampleCommandLine.Run<WakeWordCommand>(
            args,
            console,
            "WakeWord",
            "Detect ankle boots against all other clothing from a few positive examples on a body pretrained on the nine other classes.");
}
