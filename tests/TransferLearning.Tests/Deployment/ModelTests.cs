using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;
using TransferLearning.Transfer;

namespace TransferLearning.Tests.Deployment;

/// <summary>A deployable model: network, input standardisation, class names and provenance, in one file.</summary>
public class ModelTests
{
    private static readonly string[] Names = ["bird", "cat", "dog"];

    /// <summary>Raw rows far from zero (offset 500, scale 40), so that a model that skipped its standardisation would predict nonsense.</summary>
    internal static (Dataset Raw, Standardizer Standardizer, Network Network) TrainedOnRawRows(int seed = 1)
    {
        var blobs = TestData.Blobs(perClass: 40, classes: 3, features: 4, seed: seed);
        var raw = blobs.WithFeatures(blobs.FeatureValues.ToArray().Select(v => 500f + (40f * v)).ToArray(), 4).WithClassNames(Names);
        var standardizer = Standardizer.Fit(raw);
        var network = Network.Create(4, seed: seed).Dense(16, Activation.ReLU).Dense(3, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 20, BatchSize = 16, Optimizer = new AdamOptions { LearningRate = 0.01f }, Seed = seed })
            .Fit(network, standardizer.Transform(raw));
        return (raw, standardizer, network);
    }

    [Fact]
    public void Predict_RawRow_EqualsTheNetworkOnTheStandardisedRowBitForBit_AndNamesTheClass()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);

        var standardised = standardizer.Transform(raw).FeatureValues.ToArray();
        var expectedBatch = new float[raw.Count * 3];
        network.PredictBatch(standardised, expectedBatch);
        model.Predict(RowsOf(raw)).SelectMany(p => p.Probabilities).Should().Equal(expectedBatch);
        int correct = 0;
        var expected = new float[3];
        for (int j = 0; j < raw.Count; j++)
        {
            var prediction = model.Predict(raw.FeatureValues.Span.Slice(j * 4, 4));
            network.Predict(standardised.AsSpan(j * 4, 4), expected);
            prediction.Probabilities.Should().Equal(expected);
            prediction.ClassName.Should().Be(Names[prediction.ClassIndex!.Value]);
            correct += prediction.ClassIndex == raw.Labels[j] ? 1 : 0;
        }

        model.Task.Should().Be(ModelTask.Classification);
        model.ClassNames.Should().Equal(Names);
        ((double)correct / raw.Count).Should().BeGreaterThan(0.9, "the model standardises raw rows as in training");
    }

    [Fact]
    public void SaveAndLoad_OneFile_PredictsTheSameBitsAndKeepsNamesTransformAndProvenance()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var decision = new TransferDecision
        {
            Strategy = TransferStrategy.HeadOnly,
            Reasons = [new DecisionReason { Code = DecisionReasonCode.TopLayersRemoved, Value = 1, Text = "Removed the top layer." }],
        };
        var provenance = new ModelProvenance
        {
            SourceDescription = "blobs, 5 classes",
            SourceExampleCount = 5_000,
            SourceClassCount = 5,
            SourceClassNames = ["a", "b", "c", "d", "e"],
            Decision = decision,
            History = new TrainingHistory { Epochs = [], BestEpoch = 0, StoppedEarly = false, RestoredBest = false, Elapsed = TimeSpan.FromSeconds(2) },
        };
        var model = Model.Create(network, raw, standardizer, provenance);
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");

        model.Save(path);
        var loaded = Model.Load(path);

        var rows = RowsOf(raw);
        loaded.Predict(rows).Select(p => p.Probabilities).Should().BeEquivalentTo(model.Predict(rows).Select(p => p.Probabilities), o => o.WithStrictOrdering());
        loaded.ClassNames.Should().Equal(Names);
        loaded.InputStandardizer!.Means.Should().Equal(standardizer.Means);
        loaded.InputStandardizer.StandardDeviations.Should().Equal(standardizer.StandardDeviations);
        loaded.Provenance!.SourceDescription.Should().Be("blobs, 5 classes");
        loaded.Provenance.SourceExampleCount.Should().Be(5_000);
        loaded.Provenance.SourceClassNames.Should().Equal("a", "b", "c", "d", "e");
        loaded.Provenance.Decision!.Strategy.Should().Be(TransferStrategy.HeadOnly);
        loaded.Provenance.Decision.Reasons.Single().Code.Should().Be(DecisionReasonCode.TopLayersRemoved);
        loaded.Provenance.History!.Elapsed.Should().Be(TimeSpan.FromSeconds(2));
        loaded.ToString().Should().Contain("bird, cat, dog").And.Contain("standardised").And.Contain("HeadOnly");
    }

    [Fact]
    public void SaveAndLoad_Stream_RegressionWithoutTransform_RoundTrips()
    {
        var data = TestData.Linear(100, seed: 2);
        var network = Network.Create(2, seed: 3).Dense(8, Activation.Tanh).Dense(1, Activation.Identity);
        new Trainer(new TrainingOptions { Epochs = 60, BatchSize = 10, Optimizer = new AdamOptions { LearningRate = 0.01f }, Seed = 4 }).Fit(network, data);
        var model = Model.Create(network, data);
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        var loaded = Model.Load(stream);

        loaded.Task.Should().Be(ModelTask.Regression);
        loaded.ClassNames.Should().BeEmpty();
        loaded.InputStandardizer.Should().BeNull();
        loaded.Provenance.Should().BeNull();
        var prediction = loaded.Predict([0.5f, -0.5f]);
        prediction.ClassIndex.Should().BeNull();
        prediction.Probabilities.Should().BeEmpty();
        prediction.Outputs.Should().Equal(model.Predict([0.5f, -0.5f]).Outputs);
        prediction.Outputs[0].Should().BeApproximately(2f, 0.3f, "y = 2·0.5 + 0.5 + 0.5");
    }

    [Fact]
    public void Predict_OneSigmoidUnit_GivesBothClassProbabilities()
    {
        var network = Network.Create(2, seed: 5).Dense(1, Activation.Sigmoid);
        var model = Model.ForClassification(network, ["no", "yes"]);

        var prediction = model.Predict([1f, 2f]);

        float p = network.Predict(Matrix<float>.Build.Dense(2, 1, [1f, 2f]))[0, 0];
        prediction.Probabilities.Should().Equal(1f - p, p);
        prediction.ClassName.Should().Be(p >= 0.5f ? "yes" : "no");
    }

    [Fact]
    public void Create_CopiesTheNetwork_LaterTrainingOrStrippingDoesNotChangeTheModel()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);
        var before = model.Predict(RowsOf(raw)).Select(p => p.Probabilities).ToList();

        new Trainer(new TrainingOptions { Epochs = 3, Seed = 9 }).Fit(network, standardizer.Transform(raw));
        network.RemoveTopLayers(1);

        model.Network.Should().NotBeSameAs(network);
        model.Predict(RowsOf(raw)).Select(p => p.Probabilities).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Create_MismatchedParts_AreErrorsNamingTheArgument()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();

        FluentActions.Invoking(() => Model.ForClassification(network, ["bird", "cat"])).Should().Throw<ArgumentException>()
            .WithParameterName("classNames").WithMessage("*2 class names*");
        FluentActions.Invoking(() => Model.ForClassification(network, ["bird", "cat", "bird"])).Should().Throw<ArgumentException>()
            .WithParameterName("classNames").WithMessage("*'bird'*");
        FluentActions.Invoking(() => Model.ForClassification(network, ["bird", " ", "dog"])).Should().Throw<ArgumentException>()
            .WithParameterName("classNames");
        var other = Standardizer.Fit(TestData.Blobs(perClass: 5, classes: 3, features: 5));
        FluentActions.Invoking(() => Model.Create(network, raw, other)).Should().Throw<ArgumentException>()
            .WithParameterName("inputStandardizer").WithMessage("*4 features*5*");
        FluentActions.Invoking(() => Model.Create(network, TestData.Blobs(perClass: 5, classes: 4, features: 4))).Should().Throw<ArgumentException>()
            .WithParameterName("classNames");
        FluentActions.Invoking(() => Model.ForClassification(Network.Create(4), Names)).Should().Throw<InvalidOperationException>();
        FluentActions.Invoking(() => Model.ForClassification(null!, Names)).Should().Throw<ArgumentNullException>().WithParameterName("network");
    }

    [Fact]
    public void Predict_BadRows_NameTheExampleAndFeatureAsGiven()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);
        var rows = new float[5, 4];
        rows[3, 1] = float.NaN;

        FluentActions.Invoking(() => model.Predict(rows)).Should().Throw<ArgumentException>()
            .WithParameterName("rows").WithMessage("*example 3, feature 1*");
        FluentActions.Invoking(() => model.Predict(new float[2, 3])).Should().Throw<ArgumentException>()
            .WithParameterName("rows").WithMessage("*4 features*2 rows of 3*");
        FluentActions.Invoking(() => model.Predict(new float[3])).Should().Throw<ArgumentException>().WithParameterName("row");
        FluentActions.Invoking(() => model.Predict([1, float.PositiveInfinity, 3, 4])).Should().Throw<ArgumentException>().WithParameterName("row");
    }

    [Fact]
    public void Load_ANetworkFileWithoutAModelRecord_SaysSo()
    {
        var (_, _, network) = TrainedOnRawRows();
        using var folder = new TempFolder();
        string path = folder.File("network.safetensors");
        network.Save(path);

        FluentActions.Invoking(() => Model.Load(path)).Should().Throw<ModelFormatException>()
            .WithMessage("*no model record*Network.Load*");
    }

    [Fact]
    public void SaveAndLoad_ADirectoryGivenAsTheFile_IsAnIOExceptionNamingThePath()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);
        using var folder = new TempFolder();
        string directory = folder.File("model.safetensors");
        Directory.CreateDirectory(directory);

        FluentActions.Invoking(() => model.Save(directory)).Should().Throw<IOException>().WithMessage($"*{directory}*");
        FluentActions.Invoking(() => Model.Load(directory)).Should().Throw<IOException>().WithMessage($"*{directory}*");
        Directory.Exists(directory).Should().BeTrue("a failed save destroys nothing");
    }

    [Fact]
    public void Load_ALaterModelVersionOrARecordThatDoesNotFitTheNetwork_IsAFormatError()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var bytes = SavedBytes(Model.Create(network, raw, standardizer));

        var later = SafeTensorsBytes.WithMetadata(bytes, "model.version", "2");
        FluentActions.Invoking(() => Model.Load(new MemoryStream(later))).Should().Throw<ModelFormatException>().WithMessage("*version 2*reads version 1*");

        var wrongNames = SafeTensorsBytes.WithMetadata(bytes, "model.class_names.count", "2");
        FluentActions.Invoking(() => Model.Load(new MemoryStream(wrongNames))).Should().Throw<ModelFormatException>().WithMessage("*does not fit its network*");

        var badMean = SafeTensorsBytes.WithMetadata(bytes, "model.input.means", "1;2;x;4");
        FluentActions.Invoking(() => Model.Load(new MemoryStream(badMean))).Should().Throw<ModelFormatException>().WithMessage("*'x' at position 2*");

        var shortMeans = SafeTensorsBytes.WithMetadata(bytes, "model.input.means", "1;2;3");
        FluentActions.Invoking(() => Model.Load(new MemoryStream(shortMeans))).Should().Throw<ModelFormatException>().WithMessage("*standardisation*");
    }

    [Fact]
    public void ClassNames_FromTheModel_FixTheLabelsOfAFileWithFewerClasses()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);
        const string csv = "x0,x1,x2,x3,label\n1,2,3,4,dog\n5,6,7,8,cat\n1,1,1,1,dog\n";

        var test = CsvReader.ReadDataset(new StringReader(csv), "test.csv", new CsvOptions { LabelColumn = "label", ClassNames = model.ClassNames });
        var unfixed = CsvReader.ReadDataset(new StringReader(csv), "test.csv", new CsvOptions { LabelColumn = "label" });

        test.Labels.Should().Equal(2, 1, 2);
        test.ClassNames.Should().Equal(Names);
        unfixed.Labels.Should().Equal([1, 0, 1], "without the model's label map the file numbers its own classes");
        FluentActions.Invoking(() => CsvReader.ReadDataset(new StringReader(csv + "1,1,1,1,fish\n"), "test.csv", new CsvOptions { LabelColumn = "label", ClassNames = model.ClassNames }))
            .Should().Throw<DataFormatException>().WithMessage("*test.csv*line 5*'fish'*");
    }

    [Fact]
    public void Report_RawRows_ScoresWhatPredictPredicts_AndRefusesAnotherLabelMap()
    {
        var (raw, standardizer, network) = TrainedOnRawRows();
        var model = Model.Create(network, raw, standardizer);

        var report = model.Report(raw).Classification!;

        var predicted = model.Predict(RowsOf(raw)).Select(p => p.ClassIndex!.Value).ToList();
        report.Accuracy.Should().Be((double)predicted.Where((c, j) => c == raw.Labels[j]).Count() / raw.Count);
        report.Classes.Select(c => c.Name).Should().Equal(Names);
        var renamed = raw.WithClassNames(["cat", "bird", "dog"]);
        FluentActions.Invoking(() => model.Report(renamed)).Should().Throw<ArgumentException>().WithParameterName("rawData").WithMessage("*bird, cat, dog*cat, bird, dog*");
        FluentActions.Invoking(() => model.Report(TestData.Linear(5))).Should().Throw<ArgumentException>().WithParameterName("rawData");
    }

    [Fact]
    public void Standardizer_FromStatistics_TransformsBitForBitAsTheFittedOne_AndChecksItsArguments()
    {
        var (raw, standardizer, _) = TrainedOnRawRows();

        var rebuilt = Standardizer.FromStatistics(standardizer.Means, standardizer.StandardDeviations);

        rebuilt.Transform(raw).FeatureValues.ToArray().Should().Equal(standardizer.Transform(raw).FeatureValues.ToArray());
        FluentActions.Invoking(() => Standardizer.FromStatistics([], [])).Should().Throw<ArgumentException>().WithParameterName("means");
        FluentActions.Invoking(() => Standardizer.FromStatistics([1, 2], [1])).Should().Throw<ArgumentException>().WithParameterName("standardDeviations");
        FluentActions.Invoking(() => Standardizer.FromStatistics([1, float.NaN], [1, 1])).Should().Throw<ArgumentException>().WithParameterName("means").WithMessage("*feature 1*");
        FluentActions.Invoking(() => Standardizer.FromStatistics([1, 2], [1, -1])).Should().Throw<ArgumentException>().WithParameterName("standardDeviations");
    }

    internal static float[,] RowsOf(Dataset data)
    {
        var rows = new float[data.Count, data.FeatureCount];
        Buffer.BlockCopy(data.FeatureValues.ToArray(), 0, rows, 0, data.Count * data.FeatureCount * sizeof(float));
        return rows;
    }

    internal static byte[] SavedBytes(Model model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }
}
