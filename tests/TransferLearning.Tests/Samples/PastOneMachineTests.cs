using System.Globalization;
using System.Text.Json;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;
using Xunit.Abstractions;

namespace TransferLearning.Tests.Samples;

/// <summary>
/// The README's hand-over past one machine, run end to end: PyTorch's DistributedDataParallel pretrains the source network
/// with two processes (torchrun, gloo on the loopback; samples/PastOneMachine/pretrain_ddp.py), the library imports the
/// safetensors file by key and predicts as PyTorch did, then transfers it to a target task of its own.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PastOneMachineTests(ITestOutputHelper output)
{
    private const string Torchrun = "/usr/bin/torchrun";

    [SkippableFact]
    public void DistributedPretraining_ImportedBody_PredictsAsPyTorchAndTransfers()
    {
        var images = FashionMnistFixture.Require();
        Skip.IfNot(File.Exists(Torchrun) && ExternalProcess.PythonHas("torch"), "PyTorch's torchrun is not installed (apt-get install python3-torch)");
        using var folder = new TempFolder();
        string script = Path.Combine(Repository.Root(), "samples", "PastOneMachine", "pretrain_ddp.py");

        // Debian's torchrun (PyTorch 1.13 on Python 3.11) fails on its default --redirects 0 / --tee 0: they are given.
        var (exitCode, stdout, stderr) = ExternalProcess.Run(
            Torchrun, "--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1", script, "--out", folder.Path, "--epochs", "1", "--limit", "12000");

        exitCode.Should().Be(0, stderr);
        output.WriteLine(stdout);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "expected.json")));
        expected.RootElement.GetProperty("world_size").GetInt32().Should().Be(2);
        var network = Network.Create(784, seed: 0).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(10, Activation.Softmax);
        PyTorchImport.Load(network, Path.Combine(folder.Path, "source.safetensors"), new PyTorchImportOptions());

        var first16 = images.Test.Subset([.. Enumerable.Range(0, 16)]);
        var predicted = network.Predict(first16.Features);
        var pytorch = expected.RootElement.GetProperty("probabilities").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        for (int e = 0; e < 16; e++)
        {
            for (int c = 0; c < 10; c++)
            {
                predicted[c, e].Should().BeApproximately(pytorch[e][c], 1e-5f, string.Create(CultureInfo.InvariantCulture, $"image {e}, class {c}"));
            }
        }

        double accuracy = network.Evaluate(images.Test).Accuracy!.Value;
        accuracy.Should().BeApproximately(expected.RootElement.GetProperty("test_accuracy").GetDouble(), 1e-3, "the same network on the same 10,000 test images");

        // The imported body transfers like one pretrained here: to the seven shop departments, 30 images each.
        var pretrained = new PretrainedNetwork { Network = network, SourceExampleCount = expected.RootElement.GetProperty("train_examples").GetInt32(), SourceClassCount = 10 };
        var target = FashionMnistTasks.ByDepartment(images.Train.Subset([.. Enumerable.Range(50_000, 10_000)])).TakePerClass(30, seed: 1);
        var result = new TransferPipeline().Transfer(pretrained, target, new TransferOptions { Policy = TransferPolicy.Fixed(TransferStrategy.HeadOnly), Seed = 1 });
        double departments = result.Network.Evaluate(FashionMnistTasks.ByDepartment(images.Test)).Accuracy!.Value;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"imported body: {accuracy:P1} on the 10 classes; HeadOnly on 7 departments from 30 images each: {departments:P1}"));
        departments.Should().BeGreaterThan(0.6, "chance is about 1 in 7");
    }
}
