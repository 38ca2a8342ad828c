using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Serialization;

public class TransferFilesTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    [Fact]
    public void SaveLoad_PretrainedNetwork_KeepsNetworkCountsClassNamesAndHistory()
    {
        var pretrained = small.Pretrained with { ClassNames = Enumerable.Range(0, 64).Select(c => $"class {c}; \"quoted\"").ToList() };
        using var folder = new TempFolder();
        string path = folder.File("pretrained.safetensors");

        pretrained.Save(path);
        var loaded = PretrainedNetwork.Load(path);

        Weights.ShouldBeIdentical(Weights.Of(loaded.Network), Weights.Of(pretrained.Network));
        loaded.SourceExampleCount.Should().Be(2000);
        loaded.SourceClassCount.Should().Be(64);
        loaded.ClassNames.Should().Equal(pretrained.ClassNames);
        loaded.History.Epochs.Should().Equal(pretrained.History.Epochs);
        loaded.History.Should().BeEquivalentTo(pretrained.History);
    }

    [Fact]
    public void Pretrain_SourceWithClassNames_RecordsTheCountAndNamesAndTheFileKeepsThem()
    {
        var names = Enumerable.Range(0, 64).Select(c => $"class {c}").ToList();
        var source = small.Tasks.Source.WithClassNames(names);
        var pretrained = new TransferPipeline().Pretrain(small.Pretrained.Network, source, new TrainingOptions { Epochs = 1, BatchSize = 256 });
        using var folder = new TempFolder();
        string path = folder.File("pretrained.safetensors");

        pretrained.Save(path);
        var loaded = PretrainedNetwork.Load(path);

        pretrained.SourceClassCount.Should().Be(64);
        pretrained.ClassNames.Should().Equal(names);
        loaded.ClassNames.Should().Equal(names);
        loaded.SourceClassCount.Should().Be(64);
    }

    [Fact]
    public void Transfer_HeadOnlyFromALoadedPretrainedNetwork_EqualsTheSameTransferInMemoryBitForBit()
    {
        using var folder = new TempFolder();
        string path = folder.File("pretrained.safetensors");
        small.Pretrained.Save(path);
        var loaded = PretrainedNetwork.Load(path);
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 4);

        var fromMemory = new TransferPipeline().Transfer(small.Pretrained, small.Tasks.Target, options);
        var fromFile = new TransferPipeline().Transfer(loaded, small.Tasks.Target, options);

        Weights.ShouldBeIdentical(Weights.Of(fromFile.Network), Weights.Of(fromMemory.Network));
        fromFile.Decision.Reasons.Should().Equal(fromMemory.Decision.Reasons);
        var x = small.Tasks.TargetTest.Features;
        fromFile.Network.Predict(x).AsColumnMajorArray().Should().Equal(fromMemory.Network.Predict(x).AsColumnMajorArray());
    }

    [Fact]
    public void Transfer_HeadOnlyFromALoadedBodyWithBatchNormAndDropout_EqualsTheSameTransferInMemoryBitForBit()
    {
        var architecture = Network.Create(32, seed: 2).Dense(24, Activation.ReLU).BatchNorm().Dropout(0.2f).Dense(16, Activation.ReLU).Dense(64, Activation.Softmax);
        var pretrained = new TransferPipeline().Pretrain(architecture, small.Tasks.Source, new TrainingOptions { Epochs = 1, BatchSize = 64 });
        using var folder = new TempFolder();
        string path = folder.File("pretrained.safetensors");
        pretrained.Save(path);
        var options = SmallTransfer.Options(TransferStrategy.HeadOnly, seed: 6);

        var fromMemory = new TransferPipeline().Transfer(pretrained, small.Tasks.Target, options);
        var fromFile = new TransferPipeline().Transfer(PretrainedNetwork.Load(path), small.Tasks.Target, options);

        Weights.ShouldBeIdentical(Weights.Of(fromFile.Network), Weights.Of(fromMemory.Network));
        fromFile.Network.Buffers.SelectMany(b => b.Values.ToArray()).Should().Equal(fromMemory.Network.Buffers.SelectMany(b => b.Values.ToArray()));
        var x = small.Tasks.TargetTest.Features;
        fromFile.Network.Predict(x).AsColumnMajorArray().Should().Equal(fromMemory.Network.Predict(x).AsColumnMajorArray());
    }

    [Fact]
    public void SaveLoad_TransferResult_KeepsTheDecisionItsReasonsCandidatesAndHistory()
    {
        var result = new TransferPipeline().Transfer(small.Pretrained, small.Tasks.Target, SmallTransfer.Options(TransferStrategy.LastLayers(1)));
        var withCandidates = result with
        {
            Decision = result.Decision with
            {
                Reasons =
                [
                    .. result.Decision.Reasons,
                    new DecisionReason { Code = DecisionReasonCode.TooFewExamplesPerClass, Value = 0.1 + 0.2, Threshold = 100, Strategy = TransferStrategy.LastLayers(2), Text = "LastLayers(2) needs; \"more\"." },
                    new DecisionReason { Code = DecisionReasonCode.NoTransferBeatFromScratch, Text = string.Empty },
                ],
                Candidates =
                [
                    new CandidateScore { Strategy = TransferStrategy.LastLayers(1), BalancedAccuracy = 0.75, Epochs = 7, Elapsed = TimeSpan.FromMilliseconds(12.5) },
                    new CandidateScore { Strategy = TransferStrategy.FromScratch, SquaredError = 1.25, Epochs = 30, Elapsed = TimeSpan.Zero },
                ],
            },
        };
        using var folder = new TempFolder();
        string path = folder.File("result.safetensors");

        withCandidates.Save(path);
        var loaded = TransferResult.Load(path);

        loaded.Strategy.Should().Be(TransferStrategy.LastLayers(1));
        loaded.Decision.Reasons.Should().Equal(withCandidates.Decision.Reasons, "every reason reads back with its code, numbers (bit for bit), strategy and text");
        loaded.Decision.Reasons[1].Code.Should().Be(DecisionReasonCode.FixedByCaller);
        loaded.Decision.Candidates.Should().Equal(withCandidates.Decision.Candidates);
        loaded.History.Epochs.Should().Equal(result.History.Epochs);
        Weights.ShouldBeIdentical(Weights.Of(loaded.Network), Weights.Of(result.Network));
        loaded.Network.Parameters.Select(p => p.IsFrozen).Should().Equal(result.Network.Parameters.Select(p => p.IsFrozen));
    }

    [Fact]
    public void Load_PlainNetworkFileAsPretrained_ThrowsNamingTheMissingRecord()
    {
        using var folder = new TempFolder();
        string path = folder.File("plain.safetensors");
        small.Pretrained.Network.Save(path);

        var exception = FluentActions.Invoking(() => PretrainedNetwork.Load(path)).Should().ThrowExactly<ModelFormatException>().Which;

        exception.FilePath.Should().Be(path);
        exception.Message.Should().Contain(path).And.Contain("no pretraining record");
        Network.Load(path).Layers.Should().HaveCount(3, "the same file loads as a plain network");
    }

    [Fact]
    public void ReadResult_FileWrittenBeforeReasonCodes_KeepsTheTextsAsUnspecifiedReasons()
    {
        var result = new TransferPipeline().Transfer(small.Pretrained, small.Tasks.Target, SmallTransfer.Options(TransferStrategy.HeadOnly) with { Policy = DataSizePolicy.RuleOfThumb });
        var metadata = new MetadataWriter();
        TransferFormat.WriteResult(metadata, result);
        var before = metadata.Values.Where(kv => !kv.Key.StartsWith("transfer.reason_codes.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);

        var loaded = TransferFormat.ReadResult(new MetadataReader("old.safetensors", before))(result.Network);

        loaded.Decision.Reasons.Select(r => r.Text).Should().Equal(result.Decision.Reasons.Select(r => r.Text)).And.HaveCountGreaterThan(2);
        loaded.Decision.Reasons.Should().OnlyContain(r => r.Code == DecisionReasonCode.Unspecified && r.Value == null && r.Threshold == null && r.Strategy == null);
        loaded.Strategy.Should().Be(TransferStrategy.HeadOnly);
    }
}
