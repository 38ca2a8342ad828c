using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using TransferLearning.Data;
using TransferLearning.Deployment;
using TransferLearning.Networks;
using TransferLearning.Serialization;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Deployment;

/// <summary>A binary model's decision threshold: predictions and reports at it, saved and loaded with the model, and its errors.</summary>
public class ModelThresholdTests
{
    private static readonly string[] Names = ["quiet", "wake"];

    /// <summary>
    /// A rare class (about 1 in 8) that overlaps the common one, as raw rows far from zero (offset 100, scale 5), and a
    /// two-unit softmax trained on them standardised: it gives the rare class low probabilities.
    /// </summary>
    internal static (Dataset Raw, Model Model) Detector(int count = 400, int seed = 1)
    {
        var random = new Xoshiro256StarStar(seed);
        var rows = new float[count, 2];
        var labels = new int[count];
        for (int j = 0; j < count; j++)
        {
            double a = Normal.Sample(random, 0, 1), b = Normal.Sample(random, 0, 1);
            labels[j] = a + (0.7 * Normal.Sample(random, 0, 1)) > 1.3 ? 1 : 0;
            rows[j, 0] = (float)(100 + (5 * a));
            rows[j, 1] = (float)(100 + (5 * b));
        }

        var raw = Dataset.ForClassification(rows, labels, 2).WithClassNames(Names);
        var standardizer = Standardizer.Fit(raw);
        var network = Network.Create(2, seed: seed).Dense(8, Activation.Tanh).Dense(2, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 15, BatchSize = 32, Optimizer = new AdamOptions { LearningRate = 0.01f }, Seed = seed })
            .Fit(network, standardizer.Transform(raw));
        return (raw, Model.Create(network, raw, standardizer));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Predict_WithAThreshold_NamesClass1ExactlyWhereP1ReachesIt_ProbabilitiesUnchanged(bool sigmoid)
    {
        var network = sigmoid
            ? Network.Create(2, seed: 4).Dense(1, Activation.Sigmoid)
            : Network.Create(2, seed: 4).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax);
        var untuned = Model.ForClassification(network, Names);
        var rows = new float[200, 2];
        for (int j = 0; j < 200; j++)
        {
            rows[j, 0] = (j % 20) - 10f;
            rows[j, 1] = (j / 20) - 5f;
        }

        var before = untuned.Predict(rows);
        var p1 = before.Select(p => p.Probabilities[1]).ToArray();
        float below = p1.Where(p => p < 0.5f).OrderBy(p => p).ElementAt(p1.Count(p => p < 0.5f) / 2); // a P(class 1) under 0.5, met exactly by one row at least
        double t = below;

        var model = untuned.WithDecisionThreshold(t);
        var after = model.Predict(rows);

        model.DecisionThreshold.Should().Be(t);
        untuned.DecisionThreshold.Should().BeNull("a model is immutable: WithDecisionThreshold returns another");
        after.Select(p => p.Probabilities).Should().BeEquivalentTo(before.Select(p => p.Probabilities), o => o.WithStrictOrdering());
        after.Select(p => p.ClassIndex!.Value).Should().Equal(p1.Select(p => p >= t ? 1 : 0), "class 1 exactly when P(class 1) ≥ t");
        after.Select(p => p.ClassName).Should().Equal(after.Select(p => Names[p.ClassIndex!.Value]));
        int[] changed = [.. Enumerable.Range(0, 200).Where(j => after[j].ClassIndex != before[j].ClassIndex)];
        changed.Should().NotBeEmpty().And.OnlyContain(j => p1[j] >= below && p1[j] < 0.5f, "the decision changes only where t ≤ P(class 1) < 0.5");
        changed.Should().Contain(Array.IndexOf(p1, below), "a probability equal to the threshold fires");
        for (int j = 0; j < 200; j += 7)
        {
            // One row runs the matrix-vector path, whose P(class 1) may differ from the batch's in the last bit.
            var one = model.Predict([rows[j, 0], rows[j, 1]]);
            one.ClassIndex.Should().Be(one.Probabilities[1] >= t ? 1 : 0);
        }

        model.WithDecisionThreshold(null).Predict(rows).Select(p => p.ClassIndex).Should().Equal(before.Select(p => p.ClassIndex));
    }

    [Fact]
    public void Report_ModelWithAThreshold_ReportsAtIt_UnlessTheOptionsSetOne()
    {
        var (raw, untuned) = Detector();
        var model = untuned.WithDecisionThreshold(0.2);
        var standardised = untuned.InputStandardizer!.Transform(raw);

        var report = model.Report(raw).Classification!;

        var expected = untuned.Network.Report(standardised, new ReportOptions { Threshold = 0.2 }).Classification!;
        report.ConfusionMatrix.Should().BeEquivalentTo(expected.ConfusionMatrix);
        report.Binary!.Threshold.Should().Be(0.2);
        var predicted = model.Predict(ModelTests.RowsOf(raw)).Select(p => p.ClassIndex!.Value).ToList();
        report.Accuracy.Should().Be((double)predicted.Where((c, j) => c == raw.Labels[j]).Count() / raw.Count, "the report scores what Predict predicts");
        report.Accuracy.Should().NotBe(untuned.Report(raw).Classification!.Accuracy, "0.2 decides otherwise than 0.5 on this detector");
        model.Report(raw, new ReportOptions { BatchSize = 7 }).Classification!.Binary!.Threshold.Should().Be(0.2, "options that do not set a threshold keep the model's");
        model.Report(raw, new ReportOptions { Threshold = 0.5 }).Classification!.ConfusionMatrix.Should().BeEquivalentTo(untuned.Report(raw).Classification!.ConfusionMatrix, "a threshold set in the options wins");
    }

    [Fact]
    public void WithDecisionThreshold_OnHoldout_IsChooseOnTheStandardisedOutputs_AndLiftsF1()
    {
        var (raw, untuned) = Detector(count: 400, seed: 1);
        var (holdout, _) = Detector(count: 300, seed: 2);
        var standardised = untuned.InputStandardizer!.Transform(holdout);

        var model = untuned.WithDecisionThreshold(holdout, TransferMetric.F1(1));

        var (expected, _) = DecisionThreshold.Choose(untuned.Network.Predict(standardised.Features), standardised, TransferMetric.F1(1));
        model.DecisionThreshold.Should().Be(expected);
        model.DecisionThreshold.Should().BeLessThan(0.5, "a detector of a rare class fires below 0.5 for the best F1");
        model.Report(holdout).Classification!.Binary!.F1.Should().BeGreaterThan(untuned.Report(holdout).Classification!.Binary!.F1);
        raw.Labels.Count(l => l == 1).Should().BeInRange(20, 80, "the class is rare");
    }

    [Fact]
    public void SaveAndLoad_KeepsTheThresholdBitForBit_AndPredictsAtIt()
    {
        var (raw, untuned) = Detector();
        double t = 0.1 + 0.2; // 0.30000000000000004: a number whose shortest text is 17 digits
        var model = untuned.WithDecisionThreshold(t);
        using var folder = new TempFolder();
        string path = folder.File("detector.model.safetensors");

        model.Save(path);
        var loaded = Model.Load(path);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var fromStream = Model.Load(stream);

        BitConverter.DoubleToInt64Bits(loaded.DecisionThreshold!.Value).Should().Be(BitConverter.DoubleToInt64Bits(t));
        BitConverter.DoubleToInt64Bits(fromStream.DecisionThreshold!.Value).Should().Be(BitConverter.DoubleToInt64Bits(t));
        var rows = ModelTests.RowsOf(raw);
        loaded.Predict(rows).Select(p => p.ClassIndex).Should().Equal(model.Predict(rows).Select(p => p.ClassIndex));
        loaded.ToString().Should().Contain("threshold: wake when P(wake) ≥ 0.3");
        untuned.ToString().Should().NotContain("threshold");
        SafeTensorsBytes.Header(File.ReadAllBytes(path)).Should().Contain("\"model.decision_threshold\":\"0.30000000000000004\"");
        Model.Load(new MemoryStream(ModelTests.SavedBytes(untuned))).DecisionThreshold.Should().BeNull();
        SafeTensorsBytes.Header(ModelTests.SavedBytes(untuned)).Should().NotContain("decision_threshold");
        Model.Load(new MemoryStream(ModelTests.SavedBytes(untuned.WithDecisionThreshold(0)))).DecisionThreshold.Should().Be(0, "the edges of [0, 1] are thresholds");
        Model.Load(new MemoryStream(ModelTests.SavedBytes(untuned.WithDecisionThreshold(1)))).DecisionThreshold.Should().Be(1);
    }

    [Theory]
    [InlineData("detector-softmax-f625373.model.safetensors")]
    [InlineData("detector-sigmoid-f625373.model.safetensors")]
    public void Load_AFileWrittenBeforeThresholds_HasNoThreshold_AndPredictsTheMostProbableClass(string file)
    {
        string path = Path.Combine(Repository.Root(), "tests", "fixtures", "model-v1", file);
        bool sigmoid = file.Contains("sigmoid", StringComparison.Ordinal);
        var expected = sigmoid // as tests/fixtures/model-v1/README.md says
            ? Model.ForClassification(Network.Create(2, seed: 4).Dense(1, Activation.Sigmoid), Names)
            : Model.ForClassification(Network.Create(2, seed: 3).Dense(3, Activation.Tanh).Dense(2, Activation.Softmax), Names, Standardizer.FromStatistics([10f, -2f], [4f, 0.5f]));

        var loaded = Model.Load(path);

        loaded.DecisionThreshold.Should().BeNull();
        loaded.ClassNames.Should().Equal(Names);
        var rows = new float[,] { { 10f, -2f }, { 14f, -1.5f }, { 2f, -3f }, { 30f, 1f } };
        loaded.Predict(rows).Select(p => p.Probabilities).Should().BeEquivalentTo(expected.Predict(rows).Select(p => p.Probabilities), o => o.WithStrictOrdering());
        loaded.Predict(rows).Select(p => p.ClassIndex).Should().Equal(expected.Predict(rows).Select(p => p.ClassIndex));
    }

    [Fact]
    public void WithDecisionThreshold_InvalidThresholdOrNotABinaryClassifier_IsRefusedNamingIt()
    {
        var (raw, model) = Detector(count: 80);

        foreach (double bad in new[] { -0.1, 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            FluentActions.Invoking(() => model.WithDecisionThreshold(bad)).Should().Throw<ArgumentOutOfRangeException>()
                .WithParameterName("threshold").WithMessage("Expected a threshold in [0, 1] but got *");
        }

        FluentActions.Invoking(() => model.WithDecisionThreshold(1.5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*got 1.5*");
        var (multiRaw, _, multiNetwork) = ModelTests.TrainedOnRawRows();
        var multiclass = Model.Create(multiNetwork, multiRaw);
        FluentActions.Invoking(() => multiclass.WithDecisionThreshold(0.3)).Should().Throw<InvalidOperationException>().WithMessage("*binary*3 classes*");
        FluentActions.Invoking(() => multiclass.WithDecisionThreshold(multiRaw, TransferMetric.Accuracy)).Should().Throw<InvalidOperationException>().WithMessage("*3 classes*");
        multiclass.WithDecisionThreshold(null).DecisionThreshold.Should().BeNull("null asks for no threshold, which every model has");
        var regression = Model.Create(Network.Create(2, seed: 1).Dense(1, Activation.Identity), TestData.Linear(10));
        FluentActions.Invoking(() => regression.WithDecisionThreshold(0.5)).Should().Throw<InvalidOperationException>().WithMessage("*regression*");

        FluentActions.Invoking(() => model.WithDecisionThreshold(null!, TransferMetric.F1(1))).Should().Throw<ArgumentNullException>().WithParameterName("holdout");
        FluentActions.Invoking(() => model.WithDecisionThreshold(raw, null!)).Should().Throw<ArgumentNullException>().WithParameterName("metric");
        FluentActions.Invoking(() => model.WithDecisionThreshold(raw, TransferMetric.AveragePrecision(1))).Should().Throw<ArgumentException>().WithParameterName("metric");
        FluentActions.Invoking(() => model.WithDecisionThreshold(raw, TransferMetric.F1(2))).Should().Throw<ArgumentException>().WithParameterName("holdout").WithMessage("*class 2*");
        FluentActions.Invoking(() => model.WithDecisionThreshold(TestData.Blobs(5, classes: 2, features: 3), TransferMetric.F1(1))).Should().Throw<ArgumentException>()
            .WithParameterName("holdout").WithMessage("*2 features*3*");
        FluentActions.Invoking(() => model.WithDecisionThreshold(raw.WithClassNames(["wake", "quiet"]), TransferMetric.F1(1))).Should().Throw<ArgumentException>()
            .WithParameterName("holdout").WithMessage("*quiet, wake*wake, quiet*");
    }

    [Theory]
    [InlineData("x")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1.5")]
    [InlineData("-0.25")]
    [InlineData("")]
    public void Load_ACorruptThreshold_IsAFormatErrorNamingTheFileAndTheKey(string value)
    {
        var (_, model) = Detector(count: 80);
        using var folder = new TempFolder();
        string path = folder.File("detector.model.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.WithMetadata(ModelTests.SavedBytes(model.WithDecisionThreshold(0.25)), "model.decision_threshold", value));

        var error = FluentActions.Invoking(() => Model.Load(path)).Should().Throw<ModelFormatException>().Which;

        error.FilePath.Should().Be(path);
        error.Problem.Should().Contain("'model.decision_threshold'").And.Contain($"'{value}'");
    }

    [Fact]
    public void Load_AThresholdOnAModelOfMoreClassesOrRegression_IsAFormatError()
    {
        var (raw, standardizer, network) = ModelTests.TrainedOnRawRows();
        var multiclass = ModelTests.SavedBytes(Model.Create(network, raw, standardizer));
        var regression = ModelTests.SavedBytes(Model.Create(Network.Create(2, seed: 1).Dense(1, Activation.Identity), TestData.Linear(10)));

        FluentActions.Invoking(() => Model.Load(new MemoryStream(SafeTensorsBytes.WithMetadata(multiclass, "model.decision_threshold", "0.5"))))
            .Should().Throw<ModelFormatException>().WithMessage("*'model.decision_threshold'*3 classes*");
        FluentActions.Invoking(() => Model.Load(new MemoryStream(SafeTensorsBytes.WithMetadata(regression, "model.decision_threshold", "0.5"))))
            .Should().Throw<ModelFormatException>().WithMessage("*'model.decision_threshold'*regression*");
    }
}
