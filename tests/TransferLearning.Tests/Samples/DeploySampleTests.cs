using System.Text.Json;
using Deploy;
using Microsoft.ML.OnnxRuntime;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Onnx;
using TransferLearning.Samples;
using TransferLearning.Tests.Deployment;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>The deployable model end to end: CSV rows with text labels in, one file out, class names from raw rows in another process.</summary>
[Trait("Category", "Slow")]
public class DeploySampleTests
{
    [Fact]
    public void SecondProcess_LoadsTheOneFile_PredictsTheClassNamesAndProbabilitiesOfTheFirst_AndOnnxRuntimeAgrees()
    {
        var subset = FashionMnistFolders.LoadSubset();
        using var folder = new TempFolder();
        string train = folder.File("train.csv");
        string test = folder.File("test.csv");
        string modelPath = folder.File("model.safetensors");
        string onnxPath = folder.File("model.onnx");
        string json = folder.File("predictions.json");
        CsvRows.Write(train, subset.Train.TakePerClass(30, seed: 1));
        CsvRows.Write(test, subset.Test.FilterClasses(0, 7, 9).TakePerClass(10, seed: 2));

        // The first process (this one): train on the text-labelled raw rows, predict the test rows, save, export.
        var (model, _, _) = DeployTraining.Train(train, "label", epochs: 3, seed: 1);
        var rows = CsvReader.ReadDataset(test, new CsvOptions { LabelColumn = "label", ClassNames = model.ClassNames });
        var first = model.Predict(ModelTests.RowsOf(rows));
        model.Save(modelPath);
        model.ExportOnnx(onnxPath);

        // The second process: the sample's `predict`, given the one file and the raw rows.
        var (exitCode, output, error) = ExternalProcess.RunDotnet(Path.Combine(AppContext.BaseDirectory, "Deploy.dll"), "predict", modelPath, test, "--label", "label", "--json", json);

        exitCode.Should().Be(0, output + error);
        var second = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("predictions").EnumerateArray().ToList();
        second.Should().HaveCount(30);
        second.Select(p => p.GetProperty("className").GetString()).Should().Equal(first.Select(p => p.ClassName));
        for (int j = 0; j < first.Count; j++)
        {
            second[j].GetProperty("probabilities").EnumerateArray().Select(v => v.GetSingle()).Should().Equal(first[j].Probabilities, $"row {j}, bit for bit");
        }

        first.Select(p => p.ClassName).Should().OnlyContain(name => model.ClassNames.Contains(name));
        first.Where((p, j) => p.ClassName == rows.ClassName(rows.Labels[j])).Count().Should().BeGreaterThan(20, "30 rows of T-shirt/top, Sneaker and Ankle boot, after 3 epochs on 300 rows");

        // ONNX Runtime, given the same raw rows, gives the same probabilities within 1e-5.
        using var session = new InferenceSession(onnxPath);
        using var input = OrtValue.CreateTensorValueFromMemory(rows.FeatureValues.ToArray(), [rows.Count, rows.FeatureCount]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["input"], [input], ["output"]);
        var onnx = results[0].GetTensorDataAsSpan<float>().ToArray();
        onnx.Zip(first.SelectMany(p => p.Probabilities), (a, e) => Math.Abs(a - e)).Max().Should().BeLessThanOrEqualTo(1e-5f);
    }

    [Fact]
    public void Demo_Quick_TrainsSavesAndPredictsTheTestFileWithTheModelsLabelMap()
    {
        using var run = new SampleRun(Deploy.Program.Run, "--subset", "--quick");

        run.ExitCode.Should().Be(0, run.Output);
        run.Output.Should().Contain("10 classes (Ankle boot, Bag, Coat").And.Contain("one file").And.Contain("Accuracy on 60 rows");
        var predictions = run.Json().RootElement.GetProperty("predictions");
        predictions.GetArrayLength().Should().Be(60);
    }
}
