// The consumer test's application (.ci/consumer-test.sh copies this file into a fresh `dotnet new console`
// app that references the just-packed TransferLearning package from a local feed). Run twice, in two
// processes:
//   pretrain DIR  — pretrains on a source task, saves the pretrained network to DIR/pretrained.safetensors and
//                   its predictions on fixed inputs to DIR/expected.txt (round-trip float text);
//   transfer DIR  — loads the file, checks that the loaded network predicts exactly what the first process's
//                   did, transfers to a small target task, predicts, saves and reloads the result, and checks it.
// Exit code 0 when every check holds, 1 (with the reason) otherwise.
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Training;
using TransferLearning.Transfer;

if (args.Length != 2 || args[0] is not ("pretrain" or "transfer"))
{
    Console.Error.WriteLine("usage: ConsumerApp pretrain|transfer DIR");
    return 2;
}

string folder = args[1];
string modelPath = Path.Combine(folder, "pretrained.safetensors");
string expectedPath = Path.Combine(folder, "expected.txt");
var tasks = SyntheticData.LatentTasks(sourceCount: 4_000, targetPerClass: 10, targetTestPerClass: 100, related: true, seed: 3);
var probe = Matrix<float>.Build.Dense(32, 5, (i, j) => MathF.Sin(i + (7 * j)));

if (args[0] == "pretrain")
{
    var architecture = Network.Create(inputSize: 32, seed: 1)
        .Dense(64, Activation.ReLU)
        .BatchNorm()
        .Dropout(0.1f)
        .Dense(32, Activation.ReLU)
        .Dense(64, Activation.Softmax);
    var pretrained = new TransferPipeline().Pretrain(architecture, tasks.Source, new TrainingOptions { Epochs = 4, BatchSize = 64, Optimizer = new AdamOptions { LearningRate = 2e-3f } });
    pretrained.Save(modelPath);
    var predictions = pretrained.Network.Predict(probe).AsColumnMajorArray();
    File.WriteAllLines(expectedPath, predictions.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    Console.WriteLine($"pretrained on {pretrained.SourceExampleCount} examples, saved to {modelPath}");
    return 0;
}

var loaded = PretrainedNetwork.Load(modelPath);
var expected = File.ReadAllLines(expectedPath).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
var actual = loaded.Network.Predict(probe).AsColumnMajorArray();
if (!actual.SequenceEqual(expected))
{
    return Fail("the loaded network does not predict exactly what the saved one did");
}

if (loaded.SourceExampleCount != 4_000 || loaded.SourceClassCount != 64 || loaded.History.Epochs.Count != 4)
{
    return Fail($"the pretraining record was not kept: {loaded.SourceExampleCount} examples, {loaded.SourceClassCount} classes, {loaded.History.Epochs.Count} epochs");
}

// PyTorch interop: saved with the keys of the equivalent nn.Sequential, the network loads back strictly (every key used).
string pytorchPath = Path.Combine(folder, "pretrained-pytorch.safetensors");
PyTorchExport.Save(loaded.Network, pytorchPath);
var copy = Network.Create(inputSize: 32, seed: 9).Dense(64, Activation.ReLU).BatchNorm().Dropout(0.1f).Dense(32, Activation.ReLU).Dense(64, Activation.Softmax);
var imported = PyTorchImport.Load(copy, pytorchPath, new PyTorchImportOptions());
if (!imported.IsComplete || imported.Mapping["2.num_batches_tracked"] != "layers.1.num_batches_tracked"
    || !copy.Predict(probe).AsColumnMajorArray().SequenceEqual(expected))
{
    return Fail($"the PyTorch state_dict did not load back as it was: {imported}");
}

var options = new TransferOptions
{
    NewLayers = [LayerSpec.Dense(5, Activation.Softmax)],
    Policy = TransferPolicy.Fixed(TransferStrategy.HeadOnly),
    Training = new TrainingOptions { Epochs = 40, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 3e-3f } },
};
var result = new TransferPipeline().Transfer(loaded, tasks.Target, options);
var classes = result.Network.PredictClasses(tasks.TargetTest.Features);
double accuracy = result.Network.Evaluate(tasks.TargetTest).Accuracy ?? 0;
Console.WriteLine($"Decision: {result.Decision}");
Console.WriteLine($"Target test accuracy: {accuracy:P1} on {classes.Length} examples");
if (classes.Length != tasks.TargetTest.Count || classes.Any(c => c is < 0 or >= 5) || accuracy < 0.4)
{
    return Fail($"the transferred network predicts badly: accuracy {accuracy:P1}");
}

string resultPath = Path.Combine(folder, "result.safetensors");
result.Save(resultPath);
var reloaded = TransferResult.Load(resultPath);
if (reloaded.Strategy != TransferStrategy.HeadOnly || !reloaded.Decision.Reasons.SequenceEqual(result.Decision.Reasons)
    || !reloaded.Network.PredictClasses(tasks.TargetTest.Features).SequenceEqual(classes))
{
    return Fail("the saved transfer result did not load back as it was");
}

Console.WriteLine("consumer checks passed");
return 0;

static int Fail(string why)
{
    Console.Error.WriteLine($"consumer check failed: {why}");
    return 1;
}
