using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetPipeline;
using TransferLearning.MLNet;
using TransferLearning.Samples;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Samples;

/// <summary>An ML.NET pipeline with a transferred network, saved in one process and scored in another.</summary>
[Trait("Category", "Slow")]
public class MLNetPipelineSampleTests
{
    [Fact]
    public void RealImages_MetricsAgree_AndASecondProcessLoadsTheSavedPipelineAndScoresTheSameBitsAndNames()
    {
        var subset = FashionMnistFolders.LoadSubset();
        using var folder = new TempFolder();
        string source = FashionPipeline.Write(folder.Path, "source.csv", subset.Train.FilterClasses(0, 1, 2, 3, 4).TakePerClass(60, seed: 1, allowFewer: true));
        string target = FashionPipeline.Write(folder.Path, "target.csv", subset.Train.FilterClasses(5, 6, 7, 8, 9).TakePerClass(20, seed: 2, allowFewer: true));
        string test = FashionPipeline.Write(folder.Path, "test.csv", subset.Test.FilterClasses(5, 6, 7, 8, 9).TakePerClass(8, seed: 3, allowFewer: true));
        string modelPath = folder.File("pipeline.zip");
        string json = folder.File("predictions.json");

        // The first process (this one): pretrain and transfer as ML.NET pipelines, score the test rows, save.
        var ml = new MLContext(seed: 0);
        var (featurizer, pretrained, _) = FashionPipeline.Pretrain(ml, FashionPipeline.Load(ml, source), classes: 5, epochs: 2, seed: 0);
        var targetView = FashionPipeline.Load(ml, target);
        var model = FashionPipeline.Transfer(ml, featurizer, pretrained, targetView, seed: 0);
        var scored = model.Transform(FashionPipeline.Load(ml, test));
        var first = scored.GetColumn<float[]>("Score").ToArray();
        var classNames = model.OfType<NetworkTransformer>().Single().Model.ClassNames;
        var firstNames = scored.GetColumn<uint>("PredictedLabel").Select(key => classNames[(int)key - 1]).ToArray();
        ml.Model.SaveWithNetworks(model, targetView.Schema, modelPath);

        // On these real images, ML.NET's evaluation of the pipeline equals the library's report of its network.
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var network = model.OfType<NetworkTransformer>().Single();
        var report = network.Model.Network.Report(ml.Data.ToDataset(scored)).Classification!;
        metrics.MicroAccuracy.Should().BeApproximately(report.Accuracy, 1e-12);
        metrics.MacroAccuracy.Should().BeApproximately(report.BalancedAccuracy, 1e-12);
        metrics.LogLoss.Should().BeApproximately(report.LogLoss, 1e-6);

        // The second process: the sample's `predict`, given the saved pipeline and the CSV rows.
        var (exitCode, output, error) = ExternalProcess.RunDotnet(Path.Combine(AppContext.BaseDirectory, "MLNetPipeline.dll"), "predict", modelPath, test, "--json", json);

        exitCode.Should().Be(0, output + error);
        var second = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("predictions").EnumerateArray().ToList();
        second.Should().HaveCount(first.Length);
        second.Select(p => p.GetProperty("className").GetString()).Should().Equal(firstNames);
        for (int j = 0; j < first.Length; j++)
        {
            second[j].GetProperty("score").EnumerateArray().Select(v => v.GetSingle()).Should().Equal(first[j], $"row {j}, bit for bit");
        }
    }
}
