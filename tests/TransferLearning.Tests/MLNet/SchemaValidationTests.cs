using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.MLNet;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.MLNet;

public sealed class SchemaValidationTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private readonly MLContext _context = new(seed: 1);

    private TransferTrainer Trainer(TransferTrainerOptions? options = null) =>
        _context.MulticlassClassification.Trainers.Transfer(small.Pretrained, options ?? new TransferTrainerOptions { Transfer = SmallTransfer.Options(TransferStrategy.HeadOnly) });

    [Fact]
    public void Fit_NoFeatureColumn_NamesItAndTheColumnsThereAre()
    {
        var data = DataViews.Keyed(_context, small.Tasks.Target);

        Throws.Argument<ArgumentOutOfRangeException>(
            () => Trainer(new TransferTrainerOptions { FeatureColumnName = "Pixels" }).Fit(data), "input", "'Pixels'", "Features", "Label");
    }

    [Fact]
    public void Fit_FeaturesOfAnotherSize_NamesTheColumnExpectedAndActual()
    {
        var data = _context.Transforms.Conversion.MapValueToKey("Label")
            .Append(_context.Transforms.Concatenate("Features", "Features", "Features"))
            .Fit(DataViews.Classification(_context, small.Tasks.Target)).Transform(DataViews.Classification(_context, small.Tasks.Target));

        Throws.Argument<ArgumentOutOfRangeException>(() => Trainer().Fit(data), "input", "'Features'", "Vector<Single, 32>", "Vector<Single, 64>");
    }

    [Fact]
    public void Fit_FeaturesNotAVectorOfSingle_NamesTheColumnAndItsType()
    {
        var data = _context.Transforms.Conversion.MapValueToKey("Label")
            .Append(_context.Transforms.Conversion.ConvertType("Features", outputKind: DataKind.Double))
            .Fit(DataViews.Classification(_context, small.Tasks.Target)).Transform(DataViews.Classification(_context, small.Tasks.Target));

        Throws.Argument<ArgumentOutOfRangeException>(() => Trainer().Fit(data), "input", "'Features'", "Vector<Double, 32>");
    }

    [Fact]
    public void Fit_TextLabel_AsksForAKey()
    {
        var data = DataViews.Classification(_context, small.Tasks.Target);

        Throws.Argument<ArgumentOutOfRangeException>(() => Trainer().Fit(data), "input", "'Label'", "key type", "String");
    }

    [Fact]
    public void Fit_FloatLabelOnTheMulticlassCatalog_AsksForAKey()
    {
        var data = DataViews.Regression(_context, small.Tasks.Target);

        Throws.Argument<ArgumentOutOfRangeException>(() => Trainer().Fit(data), "input", "'Label'", "key type", "Single");
    }

    [Fact]
    public void Fit_KeyLabelOnTheRegressionCatalog_AsksForSingle()
    {
        var data = DataViews.Keyed(_context, small.Tasks.Target);

        Throws.Argument<ArgumentOutOfRangeException>(
            () => _context.Regression.Trainers.Transfer(small.Pretrained).Fit(data), "input", "'Label'", "Single", "Key<UInt32, 0-4>");
    }

    [Fact]
    public void Fit_NoLabelColumn_NamesIt()
    {
        var data = DataViews.Keyed(_context, small.Tasks.Target);

        Throws.Argument<ArgumentOutOfRangeException>(() => Trainer(new TransferTrainerOptions { LabelColumnName = "Class" }).Fit(data), "input", "'Class'");
    }

    [Fact]
    public void GetOutputSchema_NoFeatureColumn_NamesIt()
    {
        var shape = TransferTrainerTests.Shape(DataViews.Keyed(_context, small.Tasks.Target).Schema);

        Throws.Argument<ArgumentOutOfRangeException>(
            () => Trainer(new TransferTrainerOptions { FeatureColumnName = "Pixels" }).GetOutputSchema(shape), "inputSchema", "'Pixels'");
    }

    [Fact]
    public void Transform_FeaturesOfAnotherSize_NamesTheColumnExpectedAndActual()
    {
        var transformer = Trainer().Fit(DataViews.Keyed(_context, small.Tasks.Target));
        var wide = _context.Transforms.Concatenate("Features", "Features", "Features").Fit(DataViews.Classification(_context, small.Tasks.Target))
            .Transform(DataViews.Classification(_context, small.Tasks.Target));

        Throws.Argument<ArgumentOutOfRangeException>(() => transformer.Transform(wide), "input", "'Features'", "Vector<Single, 32>", "Vector<Single, 64>");
    }

    [Fact]
    public void NetworkTrainer_OutputLayerOfAnotherSize_SaysHowManyUnitsTheKeyNeeds()
    {
        var options = new NetworkTrainerOptions { Architecture = Network.Create(32, seed: 1).Dense(3, Activation.Softmax) };

        Throws.Argument<ArgumentException>(
            () => _context.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(DataViews.Keyed(_context, small.Tasks.Target)), "input", "5 units", "'Label'", "3");
    }

    [Fact]
    public void Options_Defaults_AreMLNetsColumnNames()
    {
        var options = new TransferTrainerOptions();

        options.FeatureColumnName.Should().Be("Features");
        options.LabelColumnName.Should().Be("Label");
        options.Transfer.Should().Be(new TransferOptions());
        new NetworkTrainerOptions { Architecture = Network.Create(2) }.Training.Should().Be(new TransferLearning.Training.TrainingOptions());
    }

    [Fact]
    public void Options_EmptyColumnName_Throws()
    {
        Throws.Argument<ArgumentException>(() => _ = new TransferTrainerOptions { FeatureColumnName = " " }, "FeatureColumnName");
        Throws.Argument<ArgumentException>(() => _ = new TransferTrainerOptions { LabelColumnName = "" }, "LabelColumnName");
        Throws.Argument<ArgumentNullException>(() => _ = new TransferTrainerOptions { Transfer = null! }, "Transfer");
        Throws.Argument<ArgumentNullException>(() => _ = new NetworkTrainerOptions { Architecture = Network.Create(2), Training = null! }, "Training");
    }
}
