using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Transfer;

/// <summary>
/// A pretrained network whose bottom runs outside the library (a <see cref="FeatureExtractor"/>, here a managed stand-in
/// for an ONNX body: the small source network's first layer computed by hand): the pipeline puts layers on it, trains
/// only what the library can train, never offers a strategy that would train the extractor, and says why.
/// </summary>
public sealed class FeatureExtractorTransferTests(SmallTransfer fixture) : IClassFixture<SmallTransfer>
{
    private readonly TransferPipeline _pipeline = new();

    [Fact]
    public void CreateOn_Predicts_AsTheExtractorThenTheLayersAbove()
    {
        var extractor = Extractor();
        var network = Network.CreateOn(extractor, seed: 3).Dense(5, Activation.Softmax);
        var head = Network.Create(extractor.OutputSize, seed: 3).Dense(5, Activation.Softmax);
        var x = fixture.Tasks.Target.Features;

        var predicted = network.Predict(x);

        predicted.Should().Be(head.Predict(Features(extractor, x)));
        network.Layers[0].Should().BeOfType<FeatureExtractorLayer>().Which.IsFrozen.Should().BeTrue();
        network.InputSize.Should().Be(32);
        network.ParameterCount.Should().Be(head.ParameterCount);
    }

    [Fact]
    public void Layer_StaysFrozen_AndOnlyFirst()
    {
        var network = Network.CreateOn(Extractor());
        network.Layers[0].Unfreeze();

        network.Layers[0].IsFrozen.Should().BeTrue();
        var act = () => Network.Create(32).Add(network.Layers[0].ToSpec()).Add(network.Layers[0].ToSpec());
        act.Should().Throw<ArgumentException>().WithParameterName("inputSize");
        var second = () => Network.Create(32).Dense(32, Activation.ReLU).Add(network.Layers[0].ToSpec());
        second.Should().Throw<ArgumentException>().WithParameterName("layer").WithMessage("*first layer*has 1 layers already*CreateOn*");
    }

    [Fact]
    public void HeadOnly_OnTheExtractorAlone_EqualsTheHeadTrainedOnTheFeaturesByHand()
    {
        var extractor = Extractor();
        var pretrained = new PretrainedNetwork { Network = Network.CreateOn(extractor), SourceExampleCount = 2000 };
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 4) with { RemovedLayers = 0 };
        var target = fixture.Tasks.Target;

        var result = _pipeline.Transfer(pretrained, target, options);

        // By hand: the features once, a softmax on them from the transfer's seed, trained as the pipeline trains the new layers.
        var features = Dataset.ForClassification(Features(extractor, target.Features), target.Labels, target.ClassCount);
        var head = Network.Create(extractor.OutputSize, seed: options.Seed).Dense(target.ClassCount, Activation.Softmax);
        new Trainer(options.Training with { Epochs = options.Training.Epochs, Seed = (options.Seed * 1_000_003) + options.Training.Seed }).Fit(head, features);
        result.Network.Layers.Should().HaveCount(2);
        result.Network.Layers[1].Parameters.Select(p => p.Values.ToArray()).Should().BeEquivalentTo(
            head.Layers[0].Parameters.Select(p => p.Values.ToArray()), o => o.WithStrictOrdering());
        result.Decision.Reasons.Select(r => r.Code).Should().ContainInOrder(DecisionReasonCode.TopLayersRemoved, DecisionReasonCode.FeatureExtractorNotTrained);
    }

    [Fact]
    public void HeadOnly_ComputesTheExtractorsFeaturesOncePerDataSet_NotOncePerMiniBatch()
    {
        var target = fixture.Tasks.Target;   // 100 examples: mini-batches of 16, 3 epochs
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 0 };
        var cached = Extractor();
        var cachedLonger = Extractor();
        var uncached = Extractor();

        _pipeline.Transfer(new PretrainedNetwork { Network = Network.CreateOn(cached) }, target, options);
        _pipeline.Transfer(new PretrainedNetwork { Network = Network.CreateOn(cachedLonger) }, target, options with { Training = options.Training with { Epochs = 6 } });
        _pipeline.Transfer(new PretrainedNetwork { Network = Network.CreateOn(uncached) }, target, options with { Training = options.Training with { CacheFrozenFeatures = false } });

        cachedLonger.Calls.Should().Be(cached.Calls, "the features are computed before the first epoch, whatever the number of epochs");
        cached.Calls.Should().BeLessThan(7, "fewer calls than one epoch's mini-batches");
        uncached.Calls.Should().Be(3 * 7, "3 epochs of 7 mini-batches");
    }

    [Fact]
    public void LastLayers_TrainsTheDenseLayersAboveTheExtractor_NotTheExtractor()
    {
        var pretrained = WithDenseTop();
        var before = pretrained.Network.Layers[1].Parameters.Select(p => p.Values.ToArray()).ToArray();

        var result = _pipeline.Transfer(pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(1)));

        result.Network.Layers.Should().HaveCount(3);
        result.Network.Layers[0].Should().BeOfType<FeatureExtractorLayer>().Which.Extractor.Should().BeSameAs(((FeatureExtractorLayer)pretrained.Network.Layers[0]).Extractor);
        result.Network.Layers[1].Parameters[0].Values.ToArray().Should().NotEqual(before[0], "LastLayers(1) trains the dense layer kept above the extractor");
        pretrained.Network.Layers[1].Parameters.Select(p => p.Values.ToArray()).Should().BeEquivalentTo(before, o => o.WithStrictOrdering(), "the pretrained network is not modified");
        result.History.Epochs[^1].TrainLoss.Should().BeLessThan(result.History.Epochs[0].TrainLoss);
    }

    [Theory]
    [InlineData("FullFineTune")]
    [InlineData("TwoPhase")]
    public void StrategiesThatWouldTrainTheExtractor_AreRefused_NamingTheDeepestThatTrains(string name)
    {
        var strategy = name == "TwoPhase" ? TransferStrategy.TwoPhase : TransferStrategy.FullFineTune;

        var act = () => _pipeline.Transfer(WithDenseTop(), fixture.Tasks.Target, SmallTransfer.Options(strategy));

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage($"*{name}*cannot train*LastLayers(1)*");
    }

    [Fact]
    public void LastLayers_DeeperThanTheDenseLayersAboveTheExtractor_IsRefused()
    {
        var act = () => _pipeline.Transfer(WithDenseTop(), fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(2)));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options").WithMessage("*k ≤ 1*");
    }

    [Fact]
    public void RemovedLayers_MoreThanTheDenseLayersAboveTheExtractor_IsRefused()
    {
        var pretrained = new PretrainedNetwork { Network = Network.CreateOn(Extractor()) };

        var act = () => _pipeline.Transfer(pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options").WithMessage("*at most*(0)*set RemovedLayers = 0*");
    }

    [Fact]
    public void FromScratch_TrainsFromScratchBodyOnTheRawInputs_InThePlaceOfTheExtractor()
    {
        var options = SmallTransfer.Options(TransferStrategy.FromScratch) with { FromScratchBody = [LayerSpec.Dense(40, Activation.ReLU), LayerSpec.Dropout(0.1f)] };

        var result = _pipeline.Transfer(WithDenseTop(), fixture.Tasks.Target, options);

        result.Network.Layers.Select(l => l.ToSpec().ToString()).Should().Equal("Dense(40, ReLU)", "Dropout(p = 0.1)", "Dense(16, ReLU)", "Dense(5, Softmax)");
        result.Network.InputSize.Should().Be(32);
        result.Decision.Reasons.Should().Contain(r => r.Code == DecisionReasonCode.FeatureExtractorNotTrained).Which.Text.Should().Contain("Dense(40, ReLU)");
    }

    [Fact]
    public void Policies_NeverChooseOrMeasureAStrategyThatWouldTrainTheExtractor()
    {
        var pretrained = WithDenseTop();
        var auto = SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = TransferPolicy.Auto(new AutoSelectionOptions { Folds = 3 }) };

        var decision = _pipeline.Decide(pretrained, fixture.Tasks.Target, auto);
        var rule = _pipeline.Decide(pretrained, fixture.Tasks.Target, auto with { Policy = DataSizePolicy.RuleOfThumb });

        decision.Candidates.Select(c => c.Strategy).Should().BeEquivalentTo([TransferStrategy.FromScratch, TransferStrategy.HeadOnly, TransferStrategy.LastLayers(1)]);
        rule.Strategy.Should().Be(TransferStrategy.HeadOnly, "20 per class is little target data");
        rule.Reasons.Should().ContainSingle(r => r.Code == DecisionReasonCode.FeatureExtractorNotTrained);
    }

    [Fact]
    public void DataSizePolicy_WithAnExtractor_ClimbsToEveryDenseLayerAboveIt_NotToFullFineTune()
    {
        var situation = new TransferSituation
        {
            SourceInputSize = 784,
            SourceExampleCount = 1_000_000,
            TargetInputSize = 784,
            TargetExampleCount = 50_000,
            TargetClassCount = 5,
            PretrainedLayerParameterCounts = [25_664],
            NewLayerParameterCount = 325,
        };

        var withExtractor = DataSizePolicy.RuleOfThumb.Decide(situation with { Extractor = "FeatureExtractor(OnnxBody(cnn.onnx))" });
        var without = DataSizePolicy.RuleOfThumb.Decide(situation);

        withExtractor.Strategy.Should().Be(TransferStrategy.LastLayers(1));
        without.Strategy.Should().Be(TransferStrategy.FullFineTune);
    }

    [Fact]
    public void Advisor_ProbesTheExtractorsFeatures()
    {
        var advice = new TransferAdvisor(new AdvisorOptions { ProbeRepeats = 1, Permutations = 0 }).Advise(WithDenseTop(), fixture.Tasks.Target);

        advice.Probes.Select(p => p.Layer).Should().Contain(0);
        advice.Probes.Single(p => p.Layer == 0).Description.Should().Contain("FeatureExtractor(");
    }

    [Fact]
    public void Save_RecordsTheExtractor_LoadWithItPredictsTheSameBits()
    {
        using var folder = new TempFolder();
        var extractor = Extractor();
        var network = WithDenseTop(extractor).Network;
        network.Save(folder.File("net.safetensors"));

        var loaded = Network.Load(folder.File("net.safetensors"), extractor);

        loaded.Layers[0].Should().BeOfType<FeatureExtractorLayer>().Which.Extractor.Should().BeSameAs(extractor);
        loaded.Layers.Select(l => l.ToString()).Should().Equal(network.Layers.Select(l => l.ToString()));
        loaded.Predict(fixture.Tasks.TargetTest.Features).Should().Be(network.Predict(fixture.Tasks.TargetTest.Features));
    }

    [Fact]
    public void Load_WithoutTheExtractor_SaysWhichOneAndHowToGiveIt()
    {
        using var folder = new TempFolder();
        WithDenseTop(Extractor()).Network.Save(folder.File("net.safetensors"));

        var act = () => Network.Load(folder.File("net.safetensors"));

        act.Should().Throw<ModelFormatException>().WithMessage("*net.safetensors*layer 0 is a feature extractor*ByHand(32 → 24)*Network.Load(path, extractor)*");
    }

    [Fact]
    public void Load_WithAnotherExtractor_IsRefusedNamingBothIdentities()
    {
        using var folder = new TempFolder();
        WithDenseTop(Extractor()).Network.Save(folder.File("net.safetensors"));

        var act = () => Network.Load(folder.File("net.safetensors"), new ByHandExtractor((DenseLayer)fixture.Pretrained.Network.Layers[0], "other weights"));

        act.Should().Throw<ArgumentException>().WithParameterName("extractor").WithMessage("*identity 'by hand: first layer'*identity 'by hand: other weights'*");
    }

    [Fact]
    public void TransferResult_SavedOnTheExtractor_LoadsBackWithTheDecisionAndTheSameBits()
    {
        using var folder = new TempFolder();
        var extractor = Extractor();
        var result = _pipeline.Transfer(WithDenseTop(extractor), fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(1)));
        result.Save(folder.File("result.safetensors"));

        var loaded = TransferResult.Load(folder.File("result.safetensors"), extractor);

        loaded.Decision.Reasons.Select(r => r.Code).Should().Equal(result.Decision.Reasons.Select(r => r.Code));
        loaded.Network.Predict(fixture.Tasks.TargetTest.Features).Should().Be(result.Network.Predict(fixture.Tasks.TargetTest.Features));
        var pretrained = new PretrainedNetwork { Network = WithDenseTop(extractor).Network, SourceExampleCount = 2000, SourceClassCount = 64 };
        pretrained.Save(folder.File("pretrained.safetensors"));
        PretrainedNetwork.Load(folder.File("pretrained.safetensors"), extractor).SourceClassCount.Should().Be(64);
    }

    [Theory]
    [InlineData("dropout")]
    [InlineData("batchnorm")]
    public void APolicy_OnAnExtractorThenDropoutOrBatchNorm_CountsTheDenseLayersAboveIt(string kind)
    {
        var network = Network.CreateOn(Extractor());
        network = kind == "dropout" ? network.Dropout(0.1f) : network.BatchNorm();
        foreach (var layer in fixture.Pretrained.Network.Layers.Skip(1))
        {
            network.Add(layer.Clone());
        }

        var pretrained = new PretrainedNetwork { Network = network, SourceExampleCount = 1_000_000, SourceClassCount = 64 };
        var generous = new DataSizePolicy { CheckFeatures = false, LastLayersMinExamplesPerClass = 1, MinExamplesPerTrainedParameter = 0, MaxLastLayers = 3 };

        var decision = _pipeline.Decide(pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = generous });
        var result = _pipeline.Transfer(pretrained, fixture.Tasks.Target, SmallTransfer.Options(decision.Strategy));

        decision.Strategy.Should().Be(TransferStrategy.LastLayers(1), "one dense layer stays above the extractor, with the layer between them");
        result.Network.Layers[1].IsFrozen.Should().BeFalse("the layer on the features trains (or drops out) with the dense layer above it");
        result.Network.Layers[2].IsFrozen.Should().BeFalse();
    }

    [Fact]
    public void RemovedLayers0_OnANetworkThatEndsInItsKnownSourceHead_IsRefused()
    {
        var network = Network.CreateOn(Extractor()).Dense(16, Activation.ReLU).Dense(64, Activation.Identity);   // logits, as OnnxImport gives them
        var pretrained = new PretrainedNetwork { Network = network, SourceExampleCount = 2000, SourceClassCount = 64 };

        var act = () => _pipeline.Transfer(pretrained, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 0 });

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*RemovedLayers ≥ 1*Dense(16 → 64, Identity)*64 source classes*but it is 0*");
        var unknownHead = () => _pipeline.Transfer(pretrained with { SourceClassCount = null }, fixture.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly) with { RemovedLayers = 0 });
        unknownHead.Should().NotThrow("without a known source task the caller says the network is already cut");
    }

    [Fact]
    public void Resume_OnANetworkOnAnotherExtractor_IsRefusedNamingItsIdentity()
    {
        using var folder = new TempFolder();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16, Checkpoint = new CheckpointOptions { Path = folder.File("ckpt.safetensors") } };
        new Trainer(options).Fit(Network.CreateOn(Extractor(), seed: 3).Dense(5, Activation.Softmax), fixture.Tasks.Target);
        var other = Network.CreateOn(new ByHandExtractor((DenseLayer)Network.Create(32, seed: 99).Dense(24, Activation.ReLU).Layers[0], "other weights"), seed: 3).Dense(5, Activation.Softmax);

        var act = () => new Trainer(options with { Epochs = 2 }).Resume(folder.File("ckpt.safetensors"), other, fixture.Tasks.Target);

        act.Should().Throw<ArgumentException>().WithParameterName("network").WithMessage("*layer 0*'by hand: other weights'* here and *'by hand: first layer'* in the checkpoint*");
    }

    [Fact]
    public void BadInput_AroundTheExtractor_NamesTheArgument()
    {
        var spec = Network.CreateOn(Extractor()).Layers[0].ToSpec();
        var inNewLayers = () => new TransferOptions { NewLayers = [spec, LayerSpec.Dense(5, Activation.Softmax)] };
        var noInputs = () => Network.CreateOn(new SizedExtractor(0, 4));
        using var folder = new TempFolder();
        fixture.Pretrained.Network.Save(folder.File("plain.safetensors"));
        var plainWithExtractor = () => Network.Load(folder.File("plain.safetensors"), Extractor());

        inNewLayers.Should().Throw<ArgumentException>().WithParameterName("NewLayers").WithMessage("*layer 0 is FeatureExtractor(ByHand(32 → 24))*first layer*");
        noInputs.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("extractor.InputSize");
        plainWithExtractor.Should().Throw<ArgumentException>().WithParameterName("extractor").WithMessage("*no extractor layer*");
    }

    [Fact]
    public void Model_OnAnExtractor_SavesAndLoadsWithIt_FromAPathAndAStream()
    {
        using var folder = new TempFolder();
        var extractor = Extractor();
        var model = Model.Create(Network.CreateOn(extractor, seed: 3).Dense(5, Activation.Softmax), fixture.Tasks.Target, Standardizer.Fit(fixture.Tasks.Target));
        model.Save(folder.File("model.safetensors"));

        var fromPath = Model.Load(folder.File("model.safetensors"), extractor);
        using var stream = File.OpenRead(folder.File("model.safetensors"));
        var fromStream = Model.Load(stream, extractor);

        var x = fixture.Tasks.TargetTest.Features;
        fromPath.Network.Predict(x).Should().Be(model.Network.Predict(x));
        fromStream.Network.Predict(x).Should().Be(model.Network.Predict(x));
    }

    /// <summary>The source network's first dense layer, computed by hand outside the library: 32 → 24, ReLU.</summary>
    private ByHandExtractor Extractor() => new((DenseLayer)fixture.Pretrained.Network.Layers[0], "first layer");

    /// <summary>The extractor, then the source network's other two layers (16 ReLU, the 64-class head): as an ONNX body with its dense top imported.</summary>
    private PretrainedNetwork WithDenseTop() => WithDenseTop(Extractor());

    private PretrainedNetwork WithDenseTop(FeatureExtractor extractor)
    {
        var network = Network.CreateOn(extractor);
        foreach (var layer in fixture.Pretrained.Network.Layers.Skip(1))
        {
            network.Add(layer.Clone());
        }

        return new PretrainedNetwork { Network = network, SourceExampleCount = 2000, SourceClassCount = 64 };
    }

    private sealed class SizedExtractor(int inputs, int outputs) : FeatureExtractor
    {
        public override int InputSize => inputs;

        public override int OutputSize => outputs;

        public override string Identity => "zeros";

        public override void Extract(ReadOnlySpan<float> examples, Span<float> features) => features.Clear();
    }

    private static Matrix<float> Features(FeatureExtractor extractor, Matrix<float> x)
    {
        var values = new float[extractor.OutputSize * x.ColumnCount];
        extractor.Extract(x.ToColumnMajorArray(), values);
        return Matrix<float>.Build.Dense(extractor.OutputSize, x.ColumnCount, values);
    }

    /// <summary>ReLU(W·x + b) in double, one example at a time, rounded to float: not the library's kernels.</summary>
    private sealed class ByHandExtractor(DenseLayer layer, string name) : FeatureExtractor
    {
        private readonly float[] _w = layer.Weight.Values.ToArray();
        private readonly float[] _b = layer.Bias.Values.ToArray();

        public override int InputSize { get; } = layer.InputSize;

        public override int OutputSize { get; } = layer.OutputSize;

        private int _calls;

        /// <summary>Gets the calls so far (prediction splits a large batch between threads: counted atomically).</summary>
        public int Calls => _calls;

        public override string Identity => "by hand: " + name;

        public override void Extract(ReadOnlySpan<float> examples, Span<float> features)
        {
            Interlocked.Increment(ref _calls);
            int count = examples.Length / InputSize;
            features.Length.Should().Be(count * OutputSize);
            for (int e = 0; e < count; e++)
            {
                for (int o = 0; o < OutputSize; o++)
                {
                    double z = _b[o];
                    for (int i = 0; i < InputSize; i++)
                    {
                        z += (double)_w[(i * OutputSize) + o] * examples[(e * InputSize) + i];
                    }

                    features[(e * OutputSize) + o] = (float)Math.Max(0, z);
                }
            }
        }

        public override string ToString() => "ByHand(32 → 24)";
    }
}
