using System.Text;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Serialization;

/// <summary>Files that are not safetensors, and file-system failures, for every saver and loader (issue 19).</summary>
public class FileFailureTests
{
    private static readonly Network Small = Network.Create(4, seed: 1).Dense(5, Activation.ReLU).Dense(3, Activation.Softmax);

    // Every loader and saver of a path, by name.
    private static readonly string[] LoaderNames = ["Network.Load", "LoadWeights", "PretrainedNetwork.Load", "TransferResult.Load", "PyTorchImport.Load"];

    public static TheoryData<string> Loaders => [.. LoaderNames];

    public static TheoryData<string> Savers => ["network.Save", "pretrained.Save", "result.Save", "ExportOnnx"];

    public static TheoryData<string, string> ForeignFiles => new()
    {
        { "onnx", "ONNX model" },
        { "zip", "zip archive" },
        { "text", "text file" },
        { "json", "JSON" },
        { "garbage", "not a safetensors file" },
    };

    [Theory]
    [MemberData(nameof(ForeignFiles))]
    public void Load_AFileThatIsNotSafeTensors_SaysSoAndWhatItLooksLike(string kind, string looksLike)
    {
        using var folder = new TempFolder();
        string path = folder.File($"model.{kind}");
        File.WriteAllBytes(path, Foreign(kind));

        foreach (string load in LoaderNames)
        {
            var exception = FluentActions.Invoking(() => Load(load, path)).Should().ThrowExactly<ModelFormatException>().Which;
            exception.FilePath.Should().Be(path);
            exception.Problem.Should().StartWith("not a safetensors file").And.Contain(looksLike);
        }
    }

    [Theory]
    [MemberData(nameof(Loaders))]
    public void Load_ADirectoryGivenAsTheFile_IsAnIOExceptionNamingThePath(string loader)
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Directory.CreateDirectory(path);

        var exception = FluentActions.Invoking(() => Load(loader, path)).Should().Throw<IOException>().Which;

        exception.Message.Should().Contain(path);
        exception.InnerException.Should().BeOfType<UnauthorizedAccessException>();
    }

    [Theory]
    [MemberData(nameof(Savers))]
    public void Save_ADirectoryGivenAsTheFile_IsAnIOExceptionNamingThePathAndKeepsTheDirectory(string saver)
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside.txt"), "kept");

        var exception = FluentActions.Invoking(() => Save(saver, path)).Should().Throw<IOException>().Which;

        exception.Message.Should().Contain(path);
        File.ReadAllText(Path.Combine(path, "inside.txt")).Should().Be("kept");
        Directory.GetFileSystemEntries(folder.Path).Should().Equal([path], "the temporary file is removed");
    }

    [SkippableTheory]
    [MemberData(nameof(Savers))]
    public void Save_IntoAReadOnlyFolder_IsAnIOExceptionNamingThePath(string saver)
    {
        Skip.If(Environment.IsPrivilegedProcess || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()), "Root writes into a read-only folder (and the mode is Unix's): this case cannot be made here.");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var folder = new TempFolder();
        string readOnly = Path.Combine(folder.Path, "read-only");
        Directory.CreateDirectory(readOnly);
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            string path = Path.Combine(readOnly, "model.safetensors");
            var exception = FluentActions.Invoking(() => Save(saver, path)).Should().Throw<IOException>().Which;
            exception.Message.Should().Contain(path);
            exception.InnerException.Should().BeOfType<UnauthorizedAccessException>();
        }
        finally
        {
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Save_AFileSizeLimitReachedMidWrite_IsAnIOExceptionWithTheCauseAndTheFileIsUnchanged()
    {
        // The runtime reports EFBIG (a file-size limit) as ArgumentOutOfRangeException; the stream injects it.
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Small.Save(path);
        var before = File.ReadAllBytes(path);

        var exception = FluentActions.Invoking(() => NetworkFiles.Save(NetworkFilesTests.Trained(), path, s => new FailingStream(s, 100, FileSizeLimit)))
            .Should().ThrowExactly<IOException>().Which;

        exception.Message.Should().Contain(path);
        exception.InnerException.Should().BeOfType<ArgumentOutOfRangeException>();
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(folder.Path).Should().Equal([path]);
    }

    [Theory]
    [InlineData("network.Save")]
    [InlineData("ExportOnnx")]
    public void Save_AValid230CharacterName_IsSaved(string saver)
    {
        using var folder = new TempFolder();
        string path = folder.File(new string('m', 225) + ".onnx");
        Path.GetFileName(path).Should().HaveLength(230);

        Save(saver, path);

        File.Exists(path).Should().BeTrue();
        Directory.GetFiles(folder.Path).Should().Equal([path]);
        if (saver == "network.Save")
        {
            Weights.ShouldBeIdentical(Weights.Of(Network.Load(path)), Weights.Of(Small));
        }
    }

    private static object Load(string loader, string path) => loader switch
    {
        "Network.Load" => Network.Load(path),
        "LoadWeights" => Small.Clone().LoadWeights(path),
        "PretrainedNetwork.Load" => PretrainedNetwork.Load(path),
        "TransferResult.Load" => TransferResult.Load(path),
        "PyTorchImport.Load" => PyTorchImport.Load(Small.Clone(), path),
        _ => throw new ArgumentOutOfRangeException(nameof(loader), loader, null),
    };

    private static void Save(string saver, string path)
    {
        switch (saver)
        {
            case "network.Save":
                Small.Save(path);
                break;
            case "pretrained.Save":
                new PretrainedNetwork { Network = Small, SourceExampleCount = 10, SourceClassCount = 3 }.Save(path);
                break;
            case "result.Save":
                new TransferResult
                {
                    Network = Small,
                    Decision = new TransferDecision { Strategy = TransferStrategy.FullFineTune },
                    History = new TrainingHistory { Epochs = [], BestEpoch = 0, StoppedEarly = false, RestoredBest = false, Elapsed = TimeSpan.Zero },
                }.Save(path);
                break;
            case "ExportOnnx":
                Small.ExportOnnx(path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(saver), saver, null);
        }
    }

    private static byte[] Foreign(string kind) => kind switch
    {
        "onnx" => Small.ToOnnx(),
        "zip" => [(byte)'P', (byte)'K', 3, 4, 20, 0, 8, 8, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "text" => Encoding.ASCII.GetBytes("epoch,loss\n1,0.5\n2,0.25\n"),
        "json" => Encoding.ASCII.GetBytes("{\"layers\": [784, 256, 10]}\n"),
        "garbage" => [0x00, 0xFF, 0x13, 0x37, 0x00, 0xC0, 0xFF, 0xEE, 1, 2, 3],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    // What the runtime throws when a write reaches the file-size limit (EFBIG).
    private static ArgumentOutOfRangeException FileSizeLimit() => new ArgumentOutOfRangeException("buffer", "Specified file length was too large for the file system.");
}
