using Spectre.Console;
using Spectre.Console.Cli;
using TransferLab;
using TransferLearning.Samples;

namespace TransferLearning.Tests.Samples;

/// <summary>
/// The samples' shared command line, read by Spectre.Console.Cli with the configuration every sample uses
/// (<see cref="SampleCommandLine.Configure"/>): what each option sets, the defaults, and that a command line it
/// cannot read exits with <see cref="SampleCommandLine.UsageError"/> without running the sample.
/// </summary>
public class SampleSettingsTests
{
    [Fact]
    public void Run_EveryOption_ReadsEach()
    {
        var (exitCode, settings, _) = Read<TransferLabSettings>(
            "--quick", "--subset", "--json", "a.json", "--plot", "b.png", "--data", "dir", "--dataset", "synthetic", "--seeds", "2");

        exitCode.Should().Be(0);
        settings.Should().BeEquivalentTo(new
        {
            Quick = true, Subset = true, JsonPath = "a.json", PlotPath = "b.png", DataDirectory = "dir", Dataset = "synthetic", Seeds = (int?)2,
        });
    }

    [Fact]
    public void Run_NoArguments_AllDefaults()
    {
        var (exitCode, settings, _) = Read<TransferLabSettings>();

        exitCode.Should().Be(0);
        settings.Should().BeEquivalentTo(new
        {
            Quick = false, Subset = false, JsonPath = (string?)null, PlotPath = (string?)null, DataDirectory = (string?)null, Dataset = "fashion-mnist", Seeds = (int?)null,
        });
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--plot")]
    [InlineData("--data")]
    [InlineData("--seeds")]
    [InlineData("--dataset")]
    [InlineData("--json", "--quick")]
    [InlineData("--plot", "--seeds", "2")]
    public void Run_MissingValue_IsAUsageErrorAndRunsNothing(params string[] args)
    {
        var (exitCode, settings, _) = Read<TransferLabSettings>(args);

        exitCode.Should().Be(SampleCommandLine.UsageError);
        settings.Should().BeNull("the sample must not run on a command line that could not be read");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void Run_SeedsNotAPositiveWholeNumber_IsAUsageErrorAndRunsNothing(string seeds)
    {
        var (exitCode, settings, _) = Read<SampleSettings>("--seeds", seeds);

        exitCode.Should().Be(SampleCommandLine.UsageError);
        settings.Should().BeNull();
    }

    [Theory]
    [InlineData("--fast")]
    [InlineData("--dataset", "synthetic")]   // only TransferLab knows --dataset
    [InlineData("extra")]
    public void Run_UnknownArgument_IsAUsageErrorAndRunsNothing(params string[] args)
    {
        var (exitCode, settings, _) = Read<SampleSettings>(args);

        exitCode.Should().Be(SampleCommandLine.UsageError);
        settings.Should().BeNull();
    }

    [Fact]
    public void Run_UnknownDataset_IsAUsageErrorAndRunsNothing()
    {
        var (exitCode, settings, _) = Read<TransferLabSettings>("--dataset", "mnist");

        exitCode.Should().Be(SampleCommandLine.UsageError);
        settings.Should().BeNull();
    }

    [Fact]
    public void Run_Help_ListsEveryOptionAndRunsNothing()
    {
        var (exitCode, settings, output) = Read<TransferLabSettings>("--help");

        exitCode.Should().Be(0);
        settings.Should().BeNull();
        foreach (string option in new[] { "--quick", "--subset", "--data <DIR>", "--plot <PATH>", "--json <PATH>", "--seeds <N>", "--dataset <NAME>" })
        {
            output.Should().Contain(option);
        }
    }

    /// <summary>Runs a command that only records its settings, configured as every sample is.</summary>
    private static (int ExitCode, TSettings? Settings, string Output) Read<TSettings>(params string[] args)
        where TSettings : SampleSettings
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        var recorder = new Recorder<TSettings>();
        var app = new CommandApp<RecordingCommand<TSettings>>();
        app.Configure(config =>
        {
            SampleCommandLine.Configure(config, console, "Sample");
            config.Settings.Registrar.RegisterInstance(recorder);
        });
        int exitCode = app.Run(args);
        return (exitCode, recorder.Settings, writer.ToString());
    }

    public sealed class Recorder<TSettings>
    {
        public TSettings? Settings { get; set; }
    }

    public sealed class RecordingCommand<TSettings>(Recorder<TSettings> recorder) : Command<TSettings>
        where TSettings : CommandSettings
    {
        public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
        {
            recorder.Settings = settings;
            return 0;
        }
    }
}
