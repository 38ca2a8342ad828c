using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.MLNet;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.MLNet;

public sealed class NetworkModelFilesTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private TransformerChain<ITransformer> Pipeline(MLContext context) =>
        context.Transforms.Conversion.MapValueToKey("Label")
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.MulticlassClassification.Trainers.Transfer(small.Pretrained, new TransferTrainerOptions { Transfer = SmallTransfer.Options(TransferStrategy.HeadOnly) }))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"))
            .Fit(DataViews.Classification(context, small.Tasks.Target)) is var chain
            ? new TransformerChain<ITransformer>([.. chain])
            : throw new InvalidOperationException();

    [Fact]
    public void MLNetsOwnSave_NetworkTransformer_NotSupportedNamingTheWayThatWorks()
    {
        var context = new MLContext(seed: 1);
        var model = Pipeline(context);
        using var stream = new MemoryStream();

        var act = () => context.Model.Save(model, DataViews.Classification(context, small.Tasks.Target).Schema, stream);

        act.Should().Throw<NotSupportedException>().WithMessage("*SaveWithNetworks*");
    }

    [Fact]
    public void SaveWithNetworks_LoadWithNetworks_PredictsTheSameBitsAndNames()
    {
        var context = new MLContext(seed: 1);
        var model = Pipeline(context);
        var test = DataViews.Classification(context, small.Tasks.TargetTest);
        using var folder = new TempFolder();
        string path = folder.File("model.zip");

        context.Model.SaveWithNetworks(model, test.Schema, path);
        var loaded = new MLContext(seed: 2).Model.LoadWithNetworks(path, out var schema);

        schema.Select(c => (c.Name, c.Type)).Should().Equal(test.Schema.Select(c => (c.Name, c.Type)));
        var before = model.Transform(test);
        var after = loaded.Transform(test);
        after.GetColumn<float[]>("Score").Should().BeEquivalentTo(before.GetColumn<float[]>("Score"), o => o.WithStrictOrdering());
        after.GetColumn<string>("PredictedName").Should().Equal(before.GetColumn<string>("PredictedName"));
        ((TransformerChain<ITransformer>)loaded).OfType<NetworkTransformer>().Single().Decision.Should().BeEquivalentTo(model.OfType<NetworkTransformer>().Single().Decision);
    }

    [Fact]
    public void LoadWithNetworks_PredictionEngine_PredictsOneRowAsTheSavedModel()
    {
        var context = new MLContext(seed: 1);
        var model = Pipeline(context);
        var train = DataViews.Classification(context, small.Tasks.Target);
        using var stream = new MemoryStream();
        context.Model.SaveWithNetworks(model, train.Schema, stream);
        stream.Position = 0;

        var loaded = context.Model.LoadWithNetworks(stream, out _);
        var row = new DataViews.TextLabelRow { Features = DataViews.Rows(small.Tasks.TargetTest)[7] };
        var before = context.Model.CreatePredictionEngine<DataViews.TextLabelRow, Prediction>(model, inputSchemaDefinition: TransferTrainerTests.Definition()).Predict(row);
        var after = context.Model.CreatePredictionEngine<DataViews.TextLabelRow, Prediction>(loaded, inputSchemaDefinition: TransferTrainerTests.Definition()).Predict(row);

        after.Score.Should().Equal(before.Score);
        after.PredictedName.Should().Be(before.PredictedName).And.NotBeEmpty();
    }

    [Fact]
    public void SaveWithNetworks_TheNetworkTravelsInTheLibrarysModelFile()
    {
        var context = new MLContext(seed: 1);
        var model = Pipeline(context);
        using var stream = new MemoryStream();
        context.Model.SaveWithNetworks(model, DataViews.Classification(context, small.Tasks.Target).Schema, stream);
        stream.Position = 0;

        using var zip = new System.IO.Compression.ZipArchive(stream);
        var entry = zip.Entries.Single(e => e.Name.EndsWith(".network.safetensors", StringComparison.Ordinal));
        using var copy = new MemoryStream();
        entry.Open().CopyTo(copy);
        copy.Position = 0;
        var network = TransferLearning.Deployment.ModelFiles.Load(copy);

        zip.Entries.Select(e => e.Name).Should().Equal("0.mlnet.zip", "1.network.safetensors", "2.mlnet.zip", "TransferLearning.MLNet.json");
        network.ClassNames.Should().Equal(model.OfType<NetworkTransformer>().Single().Model.ClassNames);
    }

    [Fact]
    public void LoadWithNetworks_PlainMLNetModel_ModelFormatExceptionSaysWhatIsMissing()
    {
        var context = new MLContext(seed: 1);
        using var folder = new TempFolder();
        string path = folder.File("plain.zip");
        var data = DataViews.Classification(context, small.Tasks.Target);
        context.Model.Save(context.Transforms.Conversion.MapValueToKey("Label").Fit(data), data.Schema, path);

        var exception = ((Action)(() => context.Model.LoadWithNetworks(path, out _))).Should().Throw<ModelFormatException>().Which;

        exception.FilePath.Should().Be(path);
        exception.Message.Should().Contain("TransferLearning.MLNet.json");
    }

    [Fact]
    public void SaveWithNetworks_ATransformerMLNetCannotSave_ThrowsAndLeavesThePreviousFile()
    {
        var context = new MLContext(seed: 1);
        var model = Pipeline(context);
        var data = DataViews.Classification(context, small.Tasks.Target);
        using var folder = new TempFolder();
        string path = folder.File("model.zip");
        context.Model.SaveWithNetworks(model, data.Schema, path);
        byte[] before = File.ReadAllBytes(path);
        var unsavable = context.Transforms.CustomMapping<DataViews.TextLabelRow, DataViews.KeyRow>((row, key) => key.Label = row.Label.ToUpperInvariant(), contractName: null)
            .Fit(data);

        var act = () => context.Model.SaveWithNetworks(new TransformerChain<ITransformer>([.. model, unsavable]), data.Schema, path);

        act.Should().Throw<InvalidOperationException>();
        File.ReadAllBytes(path).Should().Equal(before);
    }

    public sealed class Prediction
    {
        public float[] Score { get; set; } = [];

        public string PredictedName { get; set; } = string.Empty;
    }
}
