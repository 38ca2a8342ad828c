// The consumer test's application (.ci/consumer-test.sh copies this file into a fresh `dotnet new console`
// app that references the just-packed TransferLearning package from a local feed). Run twice, in two
// processes:
//   pretrain DIR  — pretrains on a source task, saves the pretrained network to DIR/pretrained.safetensors and
//                   its predictions on fixed inputs to DIR/expected.txt (round-trip float text); trains a small
//                   network for 4 epochs, and the same run to a checkpoint after 2;
//   transfer DIR  — resumes the checkpointed run and checks it equals the uninterrupted one bit for bit; loads the
//                   file, checks that the loaded network predicts exactly what the first process's did, transfers
//                   to a small target task, predicts, scores it with the evaluation report, saves and reloads the
//                   result, checks it, and round-trips it through PyTorch's nn.Sequential keys;
//                   packages the result as a deployable model (named classes, input standardisation, provenance),
//                   saves it to DIR/model.safetensors and its predictions of raw rows to DIR/model-expected.txt;
//   predict DIR   — loads the one model file and checks that it names the same classes with the same
//                   probabilities from the same raw rows, and records where it came from.
// Exit code 0 when every check holds, 1 (with the reason) otherwise.
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.Serialization;
using TransferLearning.Training;
using TransferLearning.Transfer;

if (args.Length != 2 || args[0] is not ("pretrain" or "transfer" or "predict"))
{
    Console.Error.WriteLine("usage: ConsumerApp pretrain|transfer|predict DIR");
    return 2;
}

string folder = args[1];
string modelPath = Path.Combine(folder, "pretrained.safetensors");
string expectedPath = Path.Combine(folder, "expected.txt");
var tasks = SyntheticData.LatentTasks(sourceCount: 4_000, targetPerClass: 10, targetTestPerClass: 100, related: true, seed: 3);
var probe = Matrix<float>.Build.Dense(32, 5, (i, j) => MathF.Sin(i + (7 * j)));
string[] targetNames = ["ant", "bee", "cicada", "dragonfly", "earwig"];
var rawRows = new float[5, 32];
for (int j = 0; j < 5; j++)
{
    for (int i = 0; i < 32; i++)
    {
        rawRows[j, i] = 100f + (10f * MathF.Cos(i - (3 * j)));   // raw rows far from the standardised scale
    }
}

string deployedPath = Path.Combine(folder, "model.safetensors");
string deployedExpectedPath = Path.Combine(folder, "model-expected.txt");
if (args[0] == "predict")
{
    var deployed = Model.Load(deployedPath);
    var lines = deployed.Predict(rawRows).Select(p => p.ClassName + ";" + string.Join(";", p.Probabilities.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    if (!lines.SequenceEqual(File.ReadAllLines(deployedExpectedPath)))
    {
        return Fail("the deployed model, loaded in another process, does not predict what it predicted before it was saved");
    }

    if (!deployed.ClassNames.SequenceEqual(targetNames) || deployed.InputStandardizer is null || deployed.Provenance?.Decision?.Strategy != TransferStrategy.HeadOnly)
    {
        return Fail($"the deployed model lost a part: {deployed}");
    }

    Console.WriteLine(deployed);
    Console.WriteLine("consumer checks passed");
    return 0;
}

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

    // A checkpointed run stopped after 2 of 4 epochs (the second process resumes it), and the same run uninterrupted.
    var uninterrupted = CheckpointNetwork();
    new Trainer(CheckpointOptions(4, null)).Fit(uninterrupted, tasks.Target);
    File.WriteAllLines(Path.Combine(folder, "uninterrupted.txt"), uninterrupted.Predict(probe).AsColumnMajorArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    new Trainer(CheckpointOptions(2, Path.Combine(folder, "run.ckpt.safetensors"))).Fit(CheckpointNetwork(), tasks.Target, progress: new SynchronousProgress<TrainingProgress>(_ => { }));
    return 0;
}

// Resumed in this (second) process from the first one's checkpoint: equal to the uninterrupted run, bit for bit.
if (args[0] == "transfer")
{
    var resumedNetwork = CheckpointNetwork();
    var resumed = new Trainer(CheckpointOptions(4, Path.Combine(folder, "run.ckpt.safetensors"))).Resume(Path.Combine(folder, "run.ckpt.safetensors"), resumedNetwork, tasks.Target);
    var expectedResume = File.ReadAllLines(Path.Combine(folder, "uninterrupted.txt")).Select(l => float.Parse(l, CultureInfo.InvariantCulture));
    if (resumed.Epochs.Count != 4 || !resumedNetwork.Predict(probe).AsColumnMajorArray().SequenceEqual(expectedResume))
    {
        return Fail($"training resumed from a checkpoint in another process differs from the uninterrupted run: {resumed}");
    }
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
var evaluation = result.Network.Report(tasks.TargetTest);
Console.WriteLine(evaluation);
if (evaluation.Classification is not { } classification || classification.Accuracy != accuracy || classification.ConfusionMatrix.Count != 5)
{
    return Fail("the evaluation report does not agree with Evaluate");
}

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

// A deployable model: standardise raw rows (shifted and scaled far from the synthetic scale), train a head
// behind the standardisation, and save network, standardisation, class names and provenance as one file.
var rawTarget = tasks.Target.WithClassNames(targetNames);
var shifted = Dataset.ForClassification(rawTarget.Features.Map(v => 100f + (10f * v)), rawTarget.Labels).WithClassNames(targetNames);
var standardizer = Standardizer.Fit(shifted);
var deployResult = new TransferPipeline().Transfer(loaded, standardizer.Transform(shifted), options);
var model = Model.Create(deployResult.Network, shifted, standardizer, ModelProvenance.FromTransfer(loaded, deployResult, "synthetic latent tasks"));
model.Save(deployedPath);
model.ExportOnnx(Path.Combine(folder, "model.onnx"));
File.WriteAllLines(deployedExpectedPath, model.Predict(rawRows).Select(p => p.ClassName + ";" + string.Join(";", p.Probabilities.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
if (!deployResult.ClassNames.SequenceEqual(targetNames))
{
    return Fail("the transfer result did not keep the target's class names");
}

Console.WriteLine("consumer checks passed");
return 0;

static Network CheckpointNetwork() =>
    Network.Create(inputSize: 32, seed: 11).Dense(24, Activation.ReLU).BatchNorm().Dropout(0.2f).Dense(5, Activation.Softmax);

static TrainingOptions CheckpointOptions(int epochs, string? path) => new()
{
    Epochs = epochs,
    BatchSize = 8,
    Optimizer = new AdamOptions { LearningRate = 3e-3f },
    Seed = 12,
    Checkpoint = path is null ? null : new CheckpointOptions { Path = path },
};

static int Fail(string why)
{
    Console.Error.WriteLine($"consumer check failed: {why}");
    return 1;
}
