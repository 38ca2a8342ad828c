using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Serialization;

public class AtomicSaveTests
{
    // Bytes written before the failure; −1 is one byte short of the whole file.
    public static TheoryData<long> FailurePoints => [0, 1, 8, 100, 700, -1];

    [Theory]
    [MemberData(nameof(FailurePoints))]
    public void Save_FailureInjectedMidWrite_LeavesThePreviousFileUnchangedAndLoadable(long failAfterBytes)
    {
        var previous = NetworkFilesTests.Trained();
        var next = Network.Create(4, seed: 5).Dense(30, Activation.ReLU).Dense(3, Activation.Softmax);
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        previous.Save(path);
        var before = File.ReadAllBytes(path);
        long budget = failAfterBytes >= 0 ? failAfterBytes : SafeTensorsBytes.Of(next).Length + failAfterBytes;

        FluentActions.Invoking(() => NetworkFiles.Save(next, path, s => new FailingStream(s, budget)))
            .Should().Throw<IOException>().WithMessage("Injected failure*");

        File.ReadAllBytes(path).Should().Equal(before);
        Weights.ShouldBeIdentical(Weights.Of(Network.Load(path)), Weights.Of(previous));
        Directory.GetFiles(folder.Path).Should().Equal([path], "the temporary file is removed");
    }

    [Fact]
    public void Save_FailureWithNoPreviousFile_LeavesNoFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        FluentActions.Invoking(() => NetworkFiles.Save(NetworkFilesTests.Trained(), path, s => new FailingStream(s, 50)))
            .Should().Throw<IOException>();

        Directory.GetFiles(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void Save_OverAnExistingFile_ReplacesIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        Network.Create(4).Dense(2, Activation.Sigmoid).Save(path);
        var replacement = NetworkFilesTests.Trained();

        replacement.Save(path);

        Weights.ShouldBeIdentical(Weights.Of(Network.Load(path)), Weights.Of(replacement));
        Directory.GetFiles(folder.Path).Should().Equal([path]);
    }
}
