using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.Deployment;
using TransferLearning.MLNet;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.MLNet;

public sealed class TransferTrainerTests(SmallTransfer small) : IClassFixture<SmallTransfer>
{
    private static TransferTrainerOptions Options(TransferStrategy strategy) => new() { Transfer = SmallTransfer.Options(strategy) };

    [Fact]
    public void Fit_KeyLabel_TransformAddsScoreAndPredictedLabelWithTheLabelsKeyValues()
    {
        var context = new MLContext(seed: 1);
        var train = DataViews.Keyed(context, small.Tasks.Target);
        var transformer = context.MulticlassClassification.Trainers.Transfer(small.Pretrained, Options(TransferStrategy.HeadOnly)).Fit(train);

        var scored = transformer.Transform(DataViews.Keyed(context, small.Tasks.TargetTest, DataViews.KeyOrder(context, small.Tasks.Target)));

        scored.Schema["Score"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 5));
        scored.Schema["PredictedLabel"].Type.Should().Be(new KeyDataViewType(typeof(uint), 5));
        var names = context.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored)
            .GetColumn<string>("PredictedName").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        names.Should().HaveCount(small.Tasks.TargetTest.Count);
        for (int j = 0; j < scores.Length; j++)
        {
            scores[j].Sum().Should().BeApproximately(1f, 1e-5f);
            names[j].Should().Be(transformer.Model.ClassNames[Array.IndexOf(scores[j], scores[j].Max())], "row {0}", j);
        }
    }

    [Fact]
    public void Fit_TransformerCarriesTheDecisionAndItsReasons()
    {
        var context = new MLContext(seed: 1);
        var transformer = context.MulticlassClassification.Trainers.Transfer(small.Pretrained, Options(TransferStrategy.HeadOnly))
            .Fit(DataViews.Keyed(context, small.Tasks.Target));

        transformer.Decision.Should().NotBeNull();
        transformer.Decision!.Strategy.Should().Be(TransferStrategy.HeadOnly);
        transformer.Decision.Reasons.Should().NotBeEmpty();
        transformer.Task.Should().Be(ModelTask.Classification);
        // Key order is MapValueToKey's: the order in which the labels first appear.
        transformer.Model.ClassNames.Should().Equal(small.Tasks.Target.Labels.Distinct().Select(c => DataViews.Name(small.Tasks.Target, c)));
    }

    [Fact]
    public void Fit_ScoresEqualTheNetworksOwnPredictions()
    {
        var context = new MLContext(seed: 1);
        var transformer = new TransferTrainer(small.Pretrained, Options(TransferStrategy.HeadOnly)).Fit(DataViews.Keyed(context, small.Tasks.Target));
        var test = small.Tasks.TargetTest;

        var scores = transformer.Transform(DataViews.Classification(context, test)).GetColumn<float[]>("Score").ToArray();

        var expected = new float[5];
        var rows = DataViews.Rows(test);
        for (int j = 0; j < rows.Length; j++)
        {
            transformer.Model.Network.Predict(rows[j], expected);
            scores[j].Should().Equal(expected, "row {0}", j);
        }
    }

    [Fact]
    public void Fit_InAPipeline_MapValueToKeyThenTrainerThenMapKeyToValue()
    {
        var context = new MLContext(seed: 1);
        var pipeline = context.Transforms.Conversion.MapValueToKey("Label")
            .Append(context.MulticlassClassification.Trainers.Transfer(small.Pretrained, Options(TransferStrategy.HeadOnly)))
            .Append(context.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var train = DataViews.Classification(context, small.Tasks.Target);

        var shape = pipeline.GetOutputSchema(Shape(train.Schema));
        var model = pipeline.Fit(train);
        var predicted = model.Transform(DataViews.Classification(context, small.Tasks.TargetTest)).GetColumn<string>("PredictedLabel").ToArray();

        shape.Select(c => c.Name).Should().Contain(["Score", "PredictedLabel"]);
        predicted.Should().OnlyContain(name => small.Tasks.Target.ClassNames == null ? name.StartsWith("class ", StringComparison.Ordinal) : small.Tasks.Target.ClassNames.Contains(name));
        model.LastTransformer.Should().NotBeNull();
    }

    [Fact]
    public void Fit_TwoClassesWithOneSigmoidUnit_ScoreIsBothClassesProbabilities()
    {
        var context = new MLContext(seed: 1);
        var target = small.Tasks.Target.FilterClasses(0, 1);
        var options = new TransferTrainerOptions { Transfer = SmallTransfer.Options(TransferStrategy.HeadOnly) with { NewLayers = [LayerSpec.Dense(1, Activation.Sigmoid)] } };
        var transformer = context.MulticlassClassification.Trainers.Transfer(small.Pretrained, options).Fit(DataViews.Keyed(context, target));

        var scored = transformer.Transform(DataViews.Classification(context, target));
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();

        var p = new float[1];
        var rows = DataViews.Rows(target);
        for (int j = 0; j < rows.Length; j++)
        {
            transformer.Model.Network.Predict(rows[j], p);
            scores[j].Should().Equal([1 - p[0], p[0]], "row {0}", j);
            keys[j].Should().Be(p[0] > 0.5f ? 2u : 1u, "row {0}: class 1 (key 2) when p > 1 − p", j);
        }
    }

    [Fact]
    public void Regression_FloatLabel_ScoreIsOneFloat()
    {
        var context = new MLContext(seed: 1);
        var data = DataViews.Regression(context, small.Tasks.Target);
        var transformer = context.Regression.Trainers.Transfer(small.Pretrained, Options(TransferStrategy.FullFineTune)).Fit(data);

        var scored = transformer.Transform(data);
        var metrics = context.Regression.Evaluate(scored);

        scored.Schema["Score"].Type.Should().Be(NumberDataViewType.Single);
        scored.Schema.GetColumnOrNull("PredictedLabel").Should().BeNull();
        transformer.Task.Should().Be(ModelTask.Regression);
        metrics.RSquared.Should().BeGreaterThan(0.5);
    }

    [Fact]
    public void NetworkTrainer_TrainsAndHandsOnAPretrainedNetworkThatTransfers()
    {
        var context = new MLContext(seed: 1);
        var source = DataViews.Keyed(context, small.Tasks.Source);
        int classes = small.Tasks.Source.CountPerClass().Count(c => c > 0);   // MapValueToKey makes one key per label seen
        var architecture = Network.Create(32, seed: 1).Dense(24, Activation.ReLU).Dense(classes, Activation.Softmax);
        var options = new NetworkTrainerOptions { Architecture = architecture, Training = new TrainingOptions { Epochs = 2, BatchSize = 64 } };

        var trained = context.MulticlassClassification.Trainers.NeuralNetwork(options).Fit(source);
        var transferred = context.MulticlassClassification.Trainers.Transfer(trained.Pretrained!, Options(TransferStrategy.HeadOnly))
            .Fit(DataViews.Keyed(context, small.Tasks.Target));

        trained.Decision.Should().BeNull();
        trained.History!.Epochs.Should().HaveCount(2);
        trained.Pretrained!.Network.OutputSize.Should().Be(classes);
        transferred.Model.Network.OutputSize.Should().Be(5);
    }

    [Fact]
    public void PredictionEngine_PredictsOneRowAsTransformDoes()
    {
        var context = new MLContext(seed: 1);
        var model = context.Transforms.Conversion.MapValueToKey("Label")
            .Append(context.MulticlassClassification.Trainers.Transfer(small.Pretrained, Options(TransferStrategy.HeadOnly)))
            .Fit(DataViews.Classification(context, small.Tasks.Target));
        var row = new DataViews.TextLabelRow { Features = DataViews.Rows(small.Tasks.TargetTest)[3], Label = DataViews.Name(small.Tasks.Target, 0) };

        var engine = context.Model.CreatePredictionEngine<DataViews.TextLabelRow, ScoreRow>(model, inputSchemaDefinition: Definition());
        var prediction = engine.Predict(row);

        var expected = new float[5];
        model.LastTransformer.Model.Network.Predict(row.Features, expected);
        prediction.Score.Should().Equal(expected);
    }

    /// <summary>ML.NET's SchemaShape.Create is internal (ML.NET itself calls an estimator's GetOutputSchema); the tests reach it by reflection.</summary>
    internal static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, [typeof(DataViewSchema)])!.Invoke(null, [schema])!;

    internal static SchemaDefinition Definition()
    {
        var definition = SchemaDefinition.Create(typeof(DataViews.TextLabelRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 32);
        return definition;
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }
}
