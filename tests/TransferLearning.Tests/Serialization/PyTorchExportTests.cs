using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Serialization;

/// <summary>
/// The other direction: a network this library saved loads into PyTorch (tests/fixtures/pytorch/load_transferlearning.py)
/// and predicts what the library predicts. Needs /usr/bin/python3 with PyTorch (Debian's python3-torch); skipped,
/// visibly, without it.
/// </summary>
public class PyTorchExportTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Save_NetworkOfEveryLayerKind_PyTorchPredictsWhatTheLibraryPredicts()
    {
        Skip.IfNot(PyTorchAvailable(), "/usr/bin/python3 with PyTorch is not installed (apt-get install -y python3-torch).");
        var network = Network.Create(5, seed: 3).Dense(7, Activation.LeakyReLU(0.1f)).BatchNorm().Dropout(0.2f).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 1 }).Fit(network, TestData.Blobs(perClass: 15, classes: 3, features: 5, seed: 4));
        var x = Matrix<float>.Build.Dense(5, 6, (i, j) => MathF.Cos((2 * i) + (3 * j)));
        using var folder = new TempFolder();
        string model = folder.File("model.safetensors");
        string inputs = folder.File("inputs.json");
        network.Save(model);
        File.WriteAllText(inputs, JsonSerializer.Serialize(Enumerable.Range(0, x.ColumnCount).Select(j => x.Column(j).ToArray())));

        var rows = JsonSerializer.Deserialize<float[][]>(Run(Path.Combine(Repository.Root(), "tests", "fixtures", "pytorch", "load_transferlearning.py"), model, inputs))!;

        var expected = network.Predict(x);
        rows.Should().HaveCount(x.ColumnCount);
        double max = rows.SelectMany((row, j) => row.Select((v, i) => Math.Abs(v - expected[i, j]))).Max();
        max.Should().BeLessThanOrEqualTo(1e-6);
    }

    private static bool PyTorchAvailable()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            return false;
        }

        try
        {
            Run("-c", "import torch");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"python3 exited with {process.ExitCode}: {stderr}"));
    }
}
