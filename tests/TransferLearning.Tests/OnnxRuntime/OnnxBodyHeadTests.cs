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
/// bag, ankle boot, which it never saw); a dense softmax head trained on its 64 features learns them.
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
        testFeatures.ClassNames.Should().Equal("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
        accuracy.Should().BeGreaterThan(0.75, "chance is 20 %");
        history.Epochs[^1].TrainLoss.Should().BeLessThan(history.Epochs[0].TrainLoss);
    }
}
