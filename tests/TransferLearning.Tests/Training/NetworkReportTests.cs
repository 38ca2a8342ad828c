using MathNet.Numerics.LinearAlgebra;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary><see cref="NetworkReports.Report"/>: the network's one inference path, in batches, scored as <see cref="ClassificationReport.From"/> and <see cref="RegressionReport.From"/>.</summary>
public class NetworkReportTests
{
    [Fact]
    public void Report_SoftmaxNetwork_EqualsTheReportOfItsPredictedProbabilities()
    {
        var data = TestData.Blobs(perClass: 20, classes: 3);
        var network = Trained(data);
        var probabilities = network.Predict(data.Features).AsColumnMajorArray(); // example after example

        var report = network.Report(data).Classification!;

        var expected = ClassificationReport.From([.. data.Labels], probabilities, 3);
        report.Should().BeEquivalentTo(expected, o => o.ComparingByMembers<ClassificationReport>());
        report.Accuracy.Should().Be(network.Evaluate(data).Accuracy!.Value);
        network.Report(data).Regression.Should().BeNull();
        network.Report(data).Count.Should().Be(60);
    }

    [Fact]
    public void Report_SmallBatches_GiveTheSameReportAndOneInferenceRunPerBatch()
    {
        var data = TestData.Blobs(perClass: 20, classes: 3);
        var network = Trained(data);
        int before = TestHooks.PassesOf(network.Layers[^1]);

        var batched = network.Report(data, new ReportOptions { BatchSize = 7 }).Classification!;

        (TestHooks.PassesOf(network.Layers[^1]) - before).Should().Be(9, "60 examples in batches of 7 through the one inference path");
        batched.Should().BeEquivalentTo(network.Report(data).Classification!, o => o.ComparingByMembers<ClassificationReport>());
    }

    [Fact]
    public void Report_ManyExamplesOfTenClasses_HoldsOneBatchOfOutputsNotTheWholeSet()
    {
        var data = TestData.Blobs(perClass: 2_000, classes: 10);
        var network = Network.Create(2, seed: 1).Dense(10, Activation.Softmax);
        network.Report(data); // warm: the pooled batch buffer, the inference plan

        long before = GC.GetAllocatedBytesForCurrentThread();
        var report = network.Report(data);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        report.Count.Should().Be(20_000);
        allocated.Should().BeLessThan(20_000 * 10 * sizeof(float) / 4, "the 800 kB of outputs are scored 1,024 examples at a time");
    }

    [Fact]
    public void Report_DataSetWithClassNames_NamesTheClasses()
    {
        var data = TestData.Blobs(perClass: 5, classes: 3).WithClassNames(["cat", "dog", "bird"]);

        var report = Trained(data).Report(data).Classification!;

        report.ClassNames.Should().Equal("cat", "dog", "bird");
        report.Classes.Select(c => c.Name).Should().Equal("cat", "dog", "bird");
        report.ToString().Should().Contain("bird");
    }

    [Fact]
    public void Report_MoreOutputsThanClasses_ReportsEveryOutputNamingTheExtraByIndex()
    {
        var data = TestData.Blobs(perClass: 5, classes: 3).WithClassNames(["cat", "dog", "bird"]);
        var network = Network.Create(2, seed: 1).Dense(4, Activation.Softmax);

        var report = network.Report(data).Classification!;

        report.ClassNames.Should().Equal("cat", "dog", "bird", "3");
        report.Classes[3].Support.Should().Be(0);
    }

    [Fact]
    public void Report_OneSigmoidUnit_IsABinaryReportAtTheChosenThreshold()
    {
        // a = σ(x): 0.88 (class 1), 0.27 (0), 0.5 (1), 0.95 (0).
        var network = Network.Create(1).Add(DenseLayer.FromWeights(Matrix<float>.Build.DenseIdentity(1), Vector<float>.Build.Dense(1), Activation.Sigmoid));
        var data = Dataset.ForClassification(Matrix<float>.Build.Dense(1, 4, [2f, -1f, 0f, 3f]), [1, 0, 1, 0]);

        var half = network.Report(data).Classification!;
        var strict = network.Report(data, new ReportOptions { Threshold = 0.9 }).Classification!;

        half.ClassCount.Should().Be(2);
        half.ConfusionMatrix.Select(r => r.ToArray()).Should().BeEquivalentTo(new[] { new[] { 1, 1 }, [0, 2] }, o => o.WithStrictOrdering());
        half.Accuracy.Should().Be(network.Evaluate(data).Accuracy!.Value);
        half.Binary!.RocAuc.Should().Be(0.5, "positives 0.88 and 0.5 against negatives 0.27 and 0.95: 2 of 4 pairs");
        strict.Binary!.Threshold.Should().Be(0.9);
        strict.ConfusionMatrix.Select(r => r.ToArray()).Should().BeEquivalentTo(new[] { new[] { 1, 1 }, [2, 0] }, o => o.WithStrictOrdering());
        strict.Binary.RocAuc.Should().Be(half.Binary.RocAuc, "the AUC does not depend on the threshold");
        half.LogLoss.Should().BeApproximately(network.Evaluate(data).Loss, 1e-6, "the log loss is the binary cross-entropy (no output is near 0 or 1)");
    }

    [Fact]
    public void Report_RegressionNetwork_EqualsTheReportOfItsPredictions()
    {
        var data = TestData.Linear(50);
        var network = Network.Create(2, seed: 3).Dense(1, Activation.Identity);
        new Trainer(new TrainingOptions { Epochs = 20, BatchSize = 10, Optimizer = new AdamOptions { LearningRate = 0.05f } }).Fit(network, data);
        var predictions = network.Predict(data.Features).AsColumnMajorArray();

        var report = network.Report(data, new ReportOptions { BatchSize = 16 });

        report.Classification.Should().BeNull();
        report.Count.Should().Be(50);
        report.Regression.Should().BeEquivalentTo(RegressionReport.From(data.Targets!.AsColumnMajorArray(), predictions, 1), o => o.ComparingByMembers<RegressionReport>());
        report.Regression!.R2.Should().BeGreaterThan(0.9, "the network learned y = 2·x₀ − x₁ + 0.5");
        report.ToString().Should().Be(report.Regression.ToString());
    }

    [Fact]
    public void Report_ClassLabelsOnAnIdentityOutput_ThrowsNamingTheOutputLayer()
    {
        var data = TestData.Blobs(perClass: 2, classes: 3);
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Identity);

        var act = () => network.Report(data);

        act.Should().Throw<ArgumentException>().WithParameterName("data").WithMessage("Expected a Softmax or Sigmoid output layer*but the output layer is Dense(2 → 3, Identity)*");
    }

    [Fact]
    public void Report_FeaturesDoNotFit_ThrowsNamingBothSizes()
    {
        var data = TestData.Blobs(perClass: 2, classes: 3, features: 3);

        var act = () => Network.Create(2, seed: 1).Dense(3, Activation.Softmax).Report(data);

        act.Should().Throw<ArgumentException>().WithParameterName("data").WithMessage("Expected data with 2 feature rows*but got 3.*");
    }

    [Fact]
    public void Report_MoreClassesThanOutputs_Throws()
    {
        var act = () => Network.Create(2, seed: 1).Dense(2, Activation.Softmax).Report(TestData.Blobs(perClass: 2, classes: 3));

        act.Should().Throw<ArgumentException>().WithParameterName("data").WithMessage("Expected at most 2 classes*but the data set has 3.*");
    }

    [Fact]
    public void Report_Null_Throws()
    {
        var network = Network.Create(2, seed: 1).Dense(3, Activation.Softmax);

        ((Action)(() => network.Report(null!))).Should().Throw<ArgumentNullException>().WithParameterName("data");
        ((Action)(() => NetworkReports.Report(null!, TestData.Blobs(2)))).Should().Throw<ArgumentNullException>().WithParameterName("network");
    }

    [Fact]
    public void ReportOptions_Defaults_AreDocumentedValues()
    {
        var options = new ReportOptions();

        options.Threshold.Should().Be(0.5);
        options.BatchSize.Should().Be(1024);
    }

    [Fact]
    public void ReportOptions_InvalidValues_ThrowNamingTheOption()
    {
        ((Action)(() => _ = new ReportOptions { Threshold = 1.5 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Threshold").WithMessage("Expected a threshold in [0, 1] but got 1.5.*");
        ((Action)(() => _ = new ReportOptions { BatchSize = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchSize");
    }

    private static Network Trained(Dataset data)
    {
        var network = Network.Create(data.FeatureCount, seed: 2).Dense(8, Activation.ReLU).Dense(data.ClassCount, Activation.Softmax);
        new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 8 }).Fit(network, data);
        return network;
    }
}
