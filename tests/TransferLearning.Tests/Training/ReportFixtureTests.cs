using System.Text.Json;
using TransferLearning.Tests.Support;
using TransferLearning.Training;

namespace TransferLearning.Tests.Training;

/// <summary>
/// Every number of <see cref="ClassificationReport"/>, <see cref="RegressionReport"/> and <see cref="PrecisionRecallCurve"/>
/// equals scikit-learn's to 1e-6 on the cases tests/fixtures/metrics/generate.py wrote (cases.json, committed; no
/// Python needed), and the script still writes that file (slow, skipped without scikit-learn).
/// </summary>
public class ReportFixtureTests
{
    private const double Tolerance = 1e-6;
    private static readonly string Folder = Path.Combine(Repository.Root(), "tests", "fixtures", "metrics");
    private static readonly Lazy<JsonElement> Cases = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json"))).RootElement.GetProperty("cases"));

    public static TheoryData<string> ClassificationCases => Names("classification");

    public static TheoryData<string> BinaryCases => new() { "binary_softmax_ties", "binary_sigmoid_ties" };

    public static TheoryData<string> RegressionCases => Names("regression");

    [Fact]
    public void Fixture_HoldsTheCasesTheIssueAsksFor()
    {
        Cases.Value.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal(
            "multiclass_imbalanced", "multiclass_absent_classes", "binary_softmax_ties", "binary_sigmoid_ties",
            "regression_one_target", "regression_two_targets", "regression_constant_target");
    }

    [Theory]
    [MemberData(nameof(ClassificationCases))]
    public void From_ClassificationCase_EqualsScikitLearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");

        var report = Report(c);

        report.Accuracy.Should().BeApproximately(e.GetProperty("accuracy").GetDouble(), Tolerance);
        report.BalancedAccuracy.Should().BeApproximately(e.GetProperty("balanced_accuracy").GetDouble(), Tolerance);
        report.LogLoss.Should().BeApproximately(e.GetProperty("log_loss").GetDouble(), Tolerance);
        ShouldEqual(report.Classes.Select(x => x.Precision), e.GetProperty("precision"));
        ShouldEqual(report.Classes.Select(x => x.Recall), e.GetProperty("recall"));
        ShouldEqual(report.Classes.Select(x => x.F1), e.GetProperty("f1"));
        report.Classes.Select(x => x.Support).Should().Equal(Ints(e.GetProperty("support")));
        report.MacroPrecision.Should().BeApproximately(e.GetProperty("macro_precision").GetDouble(), Tolerance);
        report.MacroRecall.Should().BeApproximately(e.GetProperty("macro_recall").GetDouble(), Tolerance);
        report.MacroF1.Should().BeApproximately(e.GetProperty("macro_f1").GetDouble(), Tolerance);
        report.WeightedPrecision.Should().BeApproximately(e.GetProperty("weighted_precision").GetDouble(), Tolerance);
        report.WeightedRecall.Should().BeApproximately(e.GetProperty("weighted_recall").GetDouble(), Tolerance);
        report.WeightedF1.Should().BeApproximately(e.GetProperty("weighted_f1").GetDouble(), Tolerance);
        var confusion = e.GetProperty("confusion_matrix").EnumerateArray().Select(Ints).ToArray();
        report.ConfusionMatrix.Should().HaveCount(confusion.Length);
        for (int t = 0; t < confusion.Length; t++)
        {
            report.ConfusionMatrix[t].Should().Equal(confusion[t], $"row {t} (true class {t})");
        }

        report.Count.Should().Be(c.GetProperty("labels").GetArrayLength());
        report.Binary.Should().Match<BinaryMetrics?>(b => (b != null) == (report.ClassCount == 2));
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void From_BinaryCase_RocAucAveragePrecisionAndThresholdMetricsEqualScikitLearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");

        var binary = Report(c).Binary!;

        binary.Threshold.Should().Be(c.GetProperty("threshold").GetDouble());
        binary.RocAuc.Should().BeApproximately(e.GetProperty("roc_auc").GetDouble(), Tolerance);
        binary.AveragePrecision.Should().BeApproximately(e.GetProperty("average_precision").GetDouble(), Tolerance);
        binary.Precision.Should().BeApproximately(e.GetProperty("binary_precision").GetDouble(), Tolerance);
        binary.Recall.Should().BeApproximately(e.GetProperty("binary_recall").GetDouble(), Tolerance);
        binary.F1.Should().BeApproximately(e.GetProperty("binary_f1").GetDouble(), Tolerance);
        var confusion = e.GetProperty("confusion_matrix").EnumerateArray().Select(Ints).ToArray();
        (binary.TrueNegatives, binary.FalsePositives, binary.FalseNegatives, binary.TruePositives)
            .Should().Be((confusion[0][0], confusion[0][1], confusion[1][0], confusion[1][1]));
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Compute_BinaryCase_IsScikitLearnsPrecisionRecallCurveFromTheTop(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");
        int[] labels = Ints(c.GetProperty("labels"));
        float[] probabilities = Floats(c.GetProperty("probabilities"));
        float[] scores = c.GetProperty("outputs").GetInt32() == 1 ? probabilities : [.. probabilities.Where((_, i) => i % 2 == 1)];

        var curve = PrecisionRecallCurve.Compute(labels, scores);

        ShouldEqual(curve.Select(p => p.Threshold), e.GetProperty("curve_thresholds"));
        ShouldEqual(curve.Select(p => p.Precision), e.GetProperty("curve_precision"));
        ShouldEqual(curve.Select(p => p.Recall), e.GetProperty("curve_recall"));
    }

    [Theory]
    [MemberData(nameof(RegressionCases))]
    public void From_RegressionCase_EqualsScikitLearn(string name)
    {
        var c = Case(name);
        var e = c.GetProperty("expected");

        var report = RegressionReport.From(Floats(c.GetProperty("targets")), Floats(c.GetProperty("predictions")), c.GetProperty("target_count").GetInt32());

        report.R2.Should().BeApproximately(e.GetProperty("r2").GetDouble(), Tolerance);
        report.MeanAbsoluteError.Should().BeApproximately(e.GetProperty("mae").GetDouble(), Tolerance);
        report.RootMeanSquaredError.Should().BeApproximately(e.GetProperty("rmse").GetDouble(), Tolerance);
        ShouldEqual(report.R2PerTarget, e.GetProperty("r2_per_target"));
        ShouldEqual(report.MeanAbsoluteErrorPerTarget, e.GetProperty("mae_per_target"));
        ShouldEqual(report.RootMeanSquaredErrorPerTarget, e.GetProperty("rmse_per_target"));
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void GenerateScript_RunAgain_WritesTheCommittedFile()
    {
        Skip.IfNot(ScikitLearnAvailable(), "/usr/bin/python3 with scikit-learn is not installed (apt-get install -y python3-sklearn).");
        using var folder = new TempFolder();
        string written = Path.Combine(folder.Path, "cases.json");

        Python(Path.Combine(Folder, "generate.py"), written);

        File.ReadAllText(written).Should().Be(File.ReadAllText(Path.Combine(Folder, "cases.json")));
    }

    private static ClassificationReport Report(JsonElement c)
    {
        var names = c.GetProperty("class_names");
        return ClassificationReport.From(
            Ints(c.GetProperty("labels")),
            Floats(c.GetProperty("probabilities")),
            c.GetProperty("class_count").GetInt32(),
            names.ValueKind == JsonValueKind.Null ? null : [.. names.EnumerateArray().Select(n => n.GetString()!)],
            c.GetProperty("threshold").GetDouble());
    }

    private static void ShouldEqual(IEnumerable<double> actual, JsonElement expected)
    {
        double[] want = [.. expected.EnumerateArray().Select(v => v.GetDouble())];
        double[] got = [.. actual];
        got.Should().HaveCount(want.Length);
        for (int i = 0; i < want.Length; i++)
        {
            got[i].Should().BeApproximately(want[i], Tolerance, $"value {i}");
        }
    }

    private static JsonElement Case(string name) => Cases.Value.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string kind)
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases.Value.EnumerateArray().Where(c => c.GetProperty("kind").GetString() == kind))
        {
            names.Add(c.GetProperty("name").GetString()!);
        }

        return names;
    }

    private static int[] Ints(JsonElement values) => [.. values.EnumerateArray().Select(v => v.GetInt32())];

    // Each value is a float32 written as the exact float64 it equals: the cast is exact.
    private static float[] Floats(JsonElement values) => [.. values.EnumerateArray().Select(v => (float)v.GetDouble())];

    private static bool ScikitLearnAvailable() => ExternalProcess.PythonHas("sklearn");

    private static void Python(params string[] arguments) => ExternalProcess.RunPython(arguments);
}
