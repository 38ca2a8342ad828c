using System.Globalization;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.OnnxRuntime;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using Xunit.Abstractions;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>
/// HeadOnly by hand: the CNN trained on Fashion-MNIST 0–4 is a frozen body for classes 5–9 (sandal, shirt, sneaker,
/// bag, ankle boot, which it never saw); a dense softmax head trained on its features learns them. Where it is cut
/// matters: the 64 features of its dense layer are shaped for classes 0–4 (at 10 images per class a head on them is
/// behind a softmax on the raw pixels, measured 64–71 % against 69–82 %), the 400 outputs of its convolutions
/// ("conv_features": strokes and textures) transfer (84–92 %).
/// </summary>
public sealed class OnnxBodyHeadTests(ITestOutputHelper output)
{
    [Fact]
    public void HeadOnTheFeatures_UnseenClasses_LearnsThem()
    {
        var subset = FashionMnist.LoadFrom(FashionMnistSubset.Directory);
        Dataset train = subset.Train.FilterClasses(5, 6, 7, 8, 9).TakePerClass(100, seed: 1);
        Dataset test = subset.Test.FilterClasses(5, 6, 7, 8, 9);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());
        Dataset trainFeatures = body.Extract(train);
        Dataset testFeatures = body.Extract(test);
        var head = Network.Create(inputSize: body.OutputSize, seed: 3).Dense(5, Activation.Softmax);

        var history = new Trainer(new TrainingOptions { Epochs = 30, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = 4 })
            .Fit(head, trainFeatures);

        double accuracy = head.Evaluate(testFeatures).Accuracy!.Value;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"head on CNN features, 100 per class of 5-9: test accuracy {accuracy:P1} on {test.Count} images; loss {history.Epochs[0].TrainLoss:F3} -> {history.Epochs[^1].TrainLoss:F3}"));
        var rawHead = Network.Create(inputSize: 784, seed: 3).Dense(5, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 30, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = 4 }).Fit(rawHead, train);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"for comparison, the same softmax on the raw pixels: {rawHead.Evaluate(test).Accuracy!.Value:P1}"));
        testFeatures.ClassNames.Should().Equal("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        accuracy.Should().BeGreaterThan(0.75, "chance is 20 %");
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void HeadOnConvFeatures_TenPerClass_BeatsASoftmaxOnThePixels()
    {
        var subset = FashionMnist.LoadFrom(FashionMnistSubset.Directory);
        Dataset pool = subset.Train.FilterClasses(5, 6, 7, 8, 9);
        Dataset test = subset.Test.FilterClasses(5, 6, 7, 8, 9);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = "conv_features" });
        Dataset testFeatures = body.Extract(test);
        double conv = 0, raw = 0;
        int[] seeds = [1, 2, 3];
        foreach (int seed in seeds)
        {
            Dataset train = pool.TakePerClass(10, seed: seed);
            var options = new TrainingOptions { Epochs = 30, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 1e-2f }, Seed = seed };
            var onFeatures = Network.Create(inputSize: body.OutputSize, seed: seed).Dense(5, Activation.Softmax);
            var onPixels = Network.Create(inputSize: 784, seed: seed).Dense(5, Activation.Softmax);
            new Trainer(options).Fit(onFeatures, body.Extract(train));
            new Trainer(options).Fit(onPixels, train);
            conv += onFeatures.Evaluate(testFeatures).Accuracy!.Value / seeds.Length;
            raw += onPixels.Evaluate(test).Accuracy!.Value / seeds.Length;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"10 per class of 5-9, mean of 3 seeds on {test.Count} test images: softmax on conv_features ({body.OutputSize}) {conv:P1}, on the pixels {raw:P1}"));
        body.OutputSize.Should().Be(400);
        conv.Should().BeGreaterThan(raw + 0.05);
    }
}
