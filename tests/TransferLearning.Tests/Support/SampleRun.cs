using System.Text.Json;
using Spectre.Console;

namespace TransferLearning.Tests.Support;

/// <summary>Runs a sample's <c>Program.Run</c> in-process on a plain console, with its plot and JSON in a temporary folder.</summary>
public sealed class SampleRun : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "tl-sample-" + Guid.NewGuid().ToString("N"));

    public SampleRun(Func<IReadOnlyList<string>, IAnsiConsole, int> run, params string[] args)
    {
        Directory.CreateDirectory(_folder);
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        ExitCode = run([.. args, "--plot", PlotPath, "--json", JsonPath], console);
        Output = writer.ToString();
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string PlotPath => Path.Combine(_folder, "plot.png");

    public string JsonPath => Path.Combine(_folder, "numbers.json");

    public JsonDocument Json() => JsonDocument.Parse(File.ReadAllText(JsonPath));

    /// <summary>Whether the plot is a PNG file (its 8-byte signature) of a real picture (more than a few hundred bytes).</summary>
    public bool PlotIsPng()
    {
        var bytes = File.ReadAllBytes(PlotPath);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        return bytes.Length > 1_000 && bytes.AsSpan(0, 8).SequenceEqual(signature);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
