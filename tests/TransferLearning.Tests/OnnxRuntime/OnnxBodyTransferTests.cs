using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Onnx;
using TransferLearning.OnnxRuntime;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>
/// The CNN trained with PyTorch on Fashion-MNIST 0–4 as a pretrained body of the pipeline: its convolutions on ONNX
/// Runtime (an <see cref="OnnxBody"/> cut at "conv_features"), its dense top (400 → 64 → 5) imported from the same file
/// as trainable layers, transferred to classes 5–9 (which it never saw).
/// </summary>
public sealed class OnnxBodyTransferTests
{
    private static readonly Lazy<(Dataset Pool, Dataset Test)> Data = new(() =>
    {
        var subset = FashionMnist.LoadFrom(FashionMnistSubset.Directory);
        return (subset.Train.FilterClasses(5, 6, 7, 8, 9), subset.Test.FilterClasses(5, 6, 7, 8, 9));
    });

    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void HeadOnly_OnTheOnnxBody_EqualsHeadOnlyOnItsFeaturesGivenByHand()
    {
        using var body = ConvBody();
        Dataset target = Data.Value.Pool.TakePerClass(20, seed: 1);
        var options = Options(TransferStrategy.HeadOnly, seed: 2) with { RemovedLayers = 0 };

        var result = _pipeline.Transfer(new PretrainedNetwork { Network = Network.CreateOn(body), SourceExampleCount = 30_000 }, target, options);

        var head = Network.Create(body.OutputSize, seed: options.Seed).Dense(5, Activation.Softmax);
        new Trainer(options.Training with { Seed = (options.Seed * 1_000_003) + options.Training.Seed }).Fit(head, body.Extract(target));
        result.Network.Layers[1].Parameters.Select(p => p.Values.ToArray()).Should().BeEquivalentTo(
            head.Layers[0].Parameters.Select(p => p.Values.ToArray()), o => o.WithStrictOrdering(), "the same features, the same initial head, the same mini-batches");
        var test = Data.Value.Test;
        result.Network.Predict(test.Features).Should().Be(head.Predict(body.Extract(test).Features));
    }

    [Fact]
    public void LastLayers_OnTheImportedDenseTop_TrainsItAndTheNewHead()
    {
        using var body = ConvBody();
        var pretrained = WithDenseTop(body);
        var fc = pretrained.Network.Layers[1].Parameters[0].Values.ToArray();
        Dataset target = Data.Value.Pool.TakePerClass(20, seed: 1);

        var result = _pipeline.Transfer(pretrained, target, Options(TransferStrategy.LastLayers(1), seed: 2));

        result.Network.Layers.Select(l => l.ToSpec().ToString()).Should().Equal("FeatureExtractor(" + body + ")", "Dense(64, ReLU)", "Dense(5, Softmax)");
        result.Network.Layers[1].Parameters[0].Values.ToArray().Should().NotEqual(fc, "the imported dense layer trains");
        pretrained.Network.Layers[1].Parameters[0].Values.ToArray().Should().Equal(fc, "the pretrained network is not modified");
        result.History.Epochs[^1].TrainLoss.Should().BeLessThan(result.History.Epochs[0].TrainLoss);
        result.Decision.Reasons.Select(r => r.Code).Should().ContainInOrder(DecisionReasonCode.TopLayersRemoved, DecisionReasonCode.FeatureExtractorNotTrained);
    }

    [Fact]
    public void ImportedDenseTop_OnTheBody_PredictsAsTheWholeModelOnOnnxRuntime()
    {
        using var body = ConvBody();
        using var whole = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = "logits" });
        var network = WithDenseTop(body).Network;
        var rows = CnnFixture.RandomRows(16, seed: 5);

        var logits = network.Predict(MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, 16, rows));

        var expected = new float[16 * 5];
        whole.Extract(rows, expected);
        logits.ToColumnMajorArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) <= 1e-5f);
    }

    [Fact]
    public void Policy_OnTheOnnxBody_WeighsItAgainstFromScratch_AndSaysTheOnnxPartDoesNotTrain()
    {
        using var body = ConvBody();
        Dataset target = Data.Value.Pool.TakePerClass(10, seed: 1);

        var decision = _pipeline.Decide(WithDenseTop(body), target, Options(TransferStrategy.HeadOnly, seed: 2) with { Policy = DataSizePolicy.Default });

        // The rule keeps the dense layer of 64 frozen (HeadOnly at 10 per class); its features, shaped for classes 0–4, lose to
        // a network trained from scratch on the pixels in the held-out comparison, so the policy trains from scratch
        // (PretrainedCnn's table: the deeper cut would win).
        decision.Strategy.Should().Be(TransferStrategy.FromScratch, decision.ToString());
        decision.Reasons.Should().Contain(r => r.Code == DecisionReasonCode.FeatureExtractorNotTrained).Which.Text.Should().Contain("OnnxBody(cnn.onnx");
        decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.CandidatesMeasured).Which.Text.Should().Contain("HeadOnly").And.Contain("FromScratch");
        var evidence = decision.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.GainBeyondNoise).Which;
        evidence.Value.Should().BeNegative("HeadOnly on the layer of 64 scores below FromScratch on the held-out parts");
        decision.Reasons[^1].Code.Should().Be(DecisionReasonCode.FromScratchForUnhelpfulFeatures);
        decision.Reasons[^1].Text.Should().Contain("FromScratchBody");
    }

    [Fact]
    public void TransferResult_OnTheBody_SavedAndLoadedOnTheSameModelLoadedAgain_PredictsTheSameBits()
    {
        using var folder = new TempFolder();
        Dataset target = Data.Value.Pool.TakePerClass(20, seed: 1);
        Dataset test = Data.Value.Test;
        MathNet.Numerics.LinearAlgebra.Matrix<float> expected;
        using (var body = ConvBody())
        {
            var result = _pipeline.Transfer(WithDenseTop(body), target, Options(TransferStrategy.LastLayers(1), seed: 2));
            result.Save(folder.File("result.safetensors"));
            expected = result.Network.Predict(test.Features);
        }

        using var again = ConvBody();   // as another process would: the same file and options
        using var otherCut = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = "conv_features", Std = 1 });

        var loaded = TransferResult.Load(folder.File("result.safetensors"), again);

        loaded.Network.Predict(test.Features).Should().Be(expected);
        again.Identity.Should().StartWith("onnx sha256=").And.Contain("pixels [1, 28, 28] → conv_features");
        var wrong = () => TransferResult.Load(folder.File("result.safetensors"), otherCut);
        wrong.Should().Throw<ArgumentException>().WithParameterName("extractor").WithMessage("*std 0.353*std 1*");
    }

    private static OnnxBody ConvBody() => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = "conv_features" });

    /// <summary>The body, then the CNN's dense top imported from the same file (conv_features → 64 ReLU → 5 logits).</summary>
    private static PretrainedNetwork WithDenseTop(OnnxBody body)
    {
        var top = OnnxImport.Load(CnnFixture.Model, new OnnxImportOptions { InputName = "conv_features" });
        var network = Network.CreateOn(body);
        foreach (var layer in top.Layers)
        {
            network.Add(layer.Clone());
        }

        return new PretrainedNetwork { Network = network, SourceExampleCount = 30_000, SourceClassCount = 5 };
    }

    private static TransferOptions Options(TransferStrategy strategy, int seed) => new()
    {
        Policy = TransferPolicy.Fixed(strategy),
        Seed = seed,
        MinTrainingSteps = 0,
        Training = new TrainingOptions { Epochs = 5, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 1e-3f }, Seed = seed },
    };
}
