using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Deployment;

/// <summary>Class names flow through a transfer and its file, and a transfer becomes a deployable model with its provenance.</summary>
public class TransferToModelTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private static readonly string[] TargetNames = ["alpha", "beta", "gamma", "delta", "epsilon"];

    [Fact]
    public void Transfer_NamedTarget_ResultKeepsTheNamesThroughSaveAndLoad()
    {
        var target = small.Tasks.Target.WithClassNames(TargetNames);

        var result = new TransferPipeline().Transfer(small.Pretrained, target, SmallTransfer.Options(TransferStrategy.HeadOnly));
        using var folder = new TempFolder();
        string path = folder.File("result.safetensors");
        result.Save(path);

        result.ClassNames.Should().Equal(TargetNames);
        TransferResult.Load(path).ClassNames.Should().Equal(TargetNames);
    }

    [Fact]
    public void Model_FromATransfer_RecordsTheSourceAndTheDecision_AndPredictsTheTargetNames()
    {
        var target = small.Tasks.Target.WithClassNames(TargetNames);
        var result = new TransferPipeline().Transfer(small.Pretrained, target, SmallTransfer.Options(TransferStrategy.HeadOnly));

        var model = Model.Create(result.Network, target, provenance: ModelProvenance.FromTransfer(small.Pretrained, result, "latent source task"));
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = Model.Load(stream);

        loaded.Provenance!.SourceExampleCount.Should().Be(small.Pretrained.SourceExampleCount);
        loaded.Provenance.SourceClassCount.Should().Be(64);
        loaded.Provenance.SourceDescription.Should().Be("latent source task");
        loaded.Provenance.Decision!.Strategy.Should().Be(TransferStrategy.HeadOnly);
        loaded.Provenance.Decision.Reasons.Select(r => r.Code).Should().Equal(result.Decision.Reasons.Select(r => r.Code));
        loaded.Provenance.History!.Epochs.Should().HaveCount(result.History.Epochs.Count);
        var test = small.Tasks.TargetTest;
        var predictions = loaded.Predict(ModelTests.RowsOf(test));
        predictions.Select(p => p.ClassName).Should().OnlyContain(name => TargetNames.Contains(name));
        predictions.Select(p => p.ClassIndex!.Value).Should().Equal(result.Network.PredictClasses(test.Features));
    }
}
