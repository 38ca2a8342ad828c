// TransferLab: pretrain on a source task, transfer to a target with 10 … 1,000 examples per class, and
// compare every strategy with training from scratch — on a set-up where the pretrained features help and
// on one where they do not — with what the data-size policy, Auto and the advisor say about each.
using Spectre.Console;
using TransferLearning.Samples;
using TransferLearning.Transfer;

namespace TransferLab;

public static class Program
{
    public static int Main(string[] args) => Run(args, SampleConsole.Create());

    /// <summary>Runs the sample with <paramref name="args"/>, writing to <paramref name="console"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!SampleArguments.TryParse(args, console, out var arguments))
        {
            return 2;
        }

        var options = Options(arguments);
        var setups = Setups(arguments, options, console);
        if (setups is null)
        {
            return 2;
        }

        console.MarkupLineInterpolated($"[grey]{(arguments.Quick ? "Quick run (Auto with 3 folds)" : "Full run")}: N ∈ {{{string.Join(", ", options.PerClass)}}} per class, {options.Seeds} seed(s).[/]");
        var results = new List<ComparisonResult>();
        foreach (var setup in setups)
        {
            var result = ConsoleProgress.Run(console, setup.Name, progress => StrategyComparison.Run(setup, options, progress));
            ComparisonReport.Print(console, result);
            results.Add(result);
        }

        string plot = arguments.PlotPath ?? "transferlab.png";
        Chart.Save(plot, [.. results.Select(r => ComparisonReport.Panel(r, PlotTitle(r.Setup)))]);
        console.MarkupLineInterpolated($"Plot: [blue]{Path.GetFullPath(plot)}[/]");
        if (arguments.JsonPath is { } json)
        {
            JsonReport.Write(json, results);
            console.MarkupLineInterpolated($"Numbers: [blue]{Path.GetFullPath(json)}[/]");
        }

        return 0;
    }

    /// <summary>The full run (N = 10 … 1,000, 3 seeds, every column) or the quick one (N = 10 and 100, 1 seed, Auto with 3 folds).</summary>
    public static ComparisonOptions Options(SampleArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var options = arguments.Quick
            ? new ComparisonOptions { PerClass = [10, 100], Seeds = 1, Arms = ComparisonArm.All(new AutoSelectionOptions { Folds = 3 }) }
            : new ComparisonOptions();
        return options with { Seeds = arguments.Seeds ?? options.Seeds };
    }

    private static List<ComparisonSetup>? Setups(SampleArguments arguments, ComparisonOptions options, IAnsiConsole console)
    {
        switch (arguments.Dataset ?? "fashion-mnist")
        {
            case "synthetic":
                return [TransferLabSetups.Synthetic(options.PerClass.Max(), arguments.Quick ? 4 : 8)];
            case "fashion-mnist":
                var images = FashionMnistImages.Load(arguments.DataDirectory, arguments.Subset);
                console.MarkupLineInterpolated($"Data: [green]{images.Description}[/]");
                int epochs = arguments.Quick ? 2 : 10;
                return [TransferLabSetups.Helpful(images, epochs), TransferLabSetups.Unrelated(images, epochs)];
            default:
                console.MarkupLineInterpolated($"[red]Unknown --dataset '{arguments.Dataset}'. Expected fashion-mnist (the default) or synthetic.[/]");
                return null;
        }
    }

    private static string PlotTitle(string setup) => setup switch
    {
        "helpful" => "Features help: 10 classes → 7 shop departments",
        "unrelated" => "They do not: classes 0–4 → 5–9",
        _ => "Synthetic related pair (LatentTasks)",
    };
}
