using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using TransferLearning.Data;
using TransferLearning.OnnxRuntime;
using Xunit.Abstractions;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>
/// The body's features against ONNX Runtime run alone on the same graph (the cut declared an output by the onnx
/// package, cnn-features-output.onnx), against PyTorch's own outputs (expected.json), across threads, and with the
/// preprocessing it documents.
/// </summary>
public sealed class OnnxBodyTests(ITestOutputHelper output)
{
    [Fact]
    public void Load_CutAtIntermediateValue_SizesFromTheModel()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());

        body.InputSize.Should().Be(784);
        body.OutputSize.Should().Be(CnnFixture.Features);
        body.InputName.Should().Be("pixels");
        body.Cut.Should().Be("features");
        body.Path.Should().Be(CnnFixture.Model);
        body.ToString().Should().Be("OnnxBody(cnn.onnx: pixels [1, 28, 28] → features, 784 → 64)");
    }

    [Fact]
    public void Load_NoCut_TheOnlyGraphOutput()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Cut = null });

        body.Cut.Should().Be("logits");
        body.OutputSize.Should().Be(5);
    }

    [Theory]
    [InlineData(64, 64)]    // one batch of 64 on both sides
    [InlineData(16, 16)]    // batches of 16 on both sides
    [InlineData(1, 1)]      // one example per run
    public void Extract_SameBatches_EqualsOnnxRuntimeAloneBitForBit(int bodyBatch, int referenceBatch)
    {
        float[] rows = CnnFixture.RandomRows(64, seed: 3);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options(bodyBatch));
        var features = new float[64 * CnnFixture.Features];

        body.Extract(rows, features);

        float[] reference = OnnxRuntimeAlone(CnnFixture.ModelWithFeaturesOutput, rows, referenceBatch);
        features.Should().Equal(reference);
    }

    [Fact]
    public void Extract_GraphOutputCut_NoRewrite_EqualsOnnxRuntimeAloneBitForBit()
    {
        float[] rows = CnnFixture.RandomRows(40, seed: 4);
        using var body = OnnxBody.Load(CnnFixture.ModelWithFeaturesOutput, CnnFixture.Options(batchSize: 40));
        var features = new float[40 * CnnFixture.Features];

        body.Extract(rows, features);

        features.Should().Equal(OnnxRuntimeAlone(CnnFixture.ModelWithFeaturesOutput, rows, 40));
    }

    [Fact]
    public void Extract_OtherBatches_EqualsOnnxRuntimeAloneWithin1e6()
    {
        float[] rows = CnnFixture.RandomRows(100, seed: 5);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options(batchSize: 7));
        var features = new float[100 * CnnFixture.Features];

        body.Extract(rows, features);

        float[] reference = OnnxRuntimeAlone(CnnFixture.ModelWithFeaturesOutput, rows, 100);
        double max = MaxDifference(features, reference);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batches of 7 against one batch of 100: max |difference| = {max:G3}, identical values {features.Zip(reference).Count(p => p.First == p.Second)} of {features.Length}"));
        max.Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void Extract_FixtureImages_EqualsPyTorchWithin1e5()
    {
        float[] pixels = CnnFixture.RawPixels();
        var options = CnnFixture.Options() with { Scale = 1f / 255 };
        using var body = OnnxBody.Load(CnnFixture.Model, options);
        using var logitsBody = OnnxBody.Load(CnnFixture.Model, options with { Cut = "logits" });
        var features = new float[8 * CnnFixture.Features];
        var logits = new float[8 * 5];

        body.Extract(pixels, features);
        logitsBody.Extract(pixels, logits);

        double maxFeatures = MaxDifference(features, CnnFixture.Floats("features"));
        double maxLogits = MaxDifference(logits, CnnFixture.Floats("logits"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"against PyTorch: features max |difference| {maxFeatures:G3}, logits {maxLogits:G3}"));
        maxFeatures.Should().BeLessThanOrEqualTo(1e-5);
        maxLogits.Should().BeLessThanOrEqualTo(1e-5);
        int[] predicted = [.. Enumerable.Range(0, 8).Select(i => Array.IndexOf(logits, logits.AsSpan(i * 5, 5).ToArray().Max(), i * 5) - (i * 5))];
        int[] labels = [.. CnnFixture.Expected.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32())];
        predicted.Zip(labels).Count(p => p.First == p.Second).Should().BeGreaterThanOrEqualTo(6, "the CNN is 89 % accurate on classes 0-4");
    }

    [Fact]
    public void Extract_ParallelCalls_SameBitsAsOneThread()
    {
        float[] rows = CnnFixture.RandomRows(48, seed: 6);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options(batchSize: 16));
        var expected = new float[48 * CnnFixture.Features];
        body.Extract(rows, expected);

        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var features = new float[48 * CnnFixture.Features];
            for (int repeat = 0; repeat < 3; repeat++)
            {
                body.Extract(rows, features);
            }

            results[i] = features;
        });

        foreach (float[] result in results)
        {
            result.Should().Equal(expected);
        }
    }

    [Fact]
    public void Extract_Twice_IdenticalOutput()
    {
        float[] rows = CnnFixture.RandomRows(10, seed: 7);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options(batchSize: 4));
        var first = new float[10 * CnnFixture.Features];
        var second = new float[10 * CnnFixture.Features];

        body.Extract(rows, first);
        body.Extract(rows, second);

        second.Should().Equal(first);
    }

    [Fact]
    public void Extract_Preprocessing_IsScaleThenMeanThenStd()
    {
        // x' = (x·Scale − Mean) / Std, in float32, value by value: the same features as a body without
        // preprocessing given x' computed here.
        float[] raw = CnnFixture.RawPixels();
        const float scale = 1f / 255, mean = 0.2860f, std = 0.3530f;
        float[] transformed = [.. raw.Select(x => ((x * scale) - mean) / std)];
        using var preprocessing = OnnxBody.Load(CnnFixture.Model, new OnnxBodyOptions { InputShape = [1, 28, 28], Cut = "features", Scale = scale, Mean = mean, Std = std });
        using var none = OnnxBody.Load(CnnFixture.Model, new OnnxBodyOptions { InputShape = [1, 28, 28], Cut = "features" });
        var withOptions = new float[8 * CnnFixture.Features];
        var byHand = new float[8 * CnnFixture.Features];

        preprocessing.Extract(raw, withOptions);
        none.Extract(transformed, byHand);

        withOptions.Should().Equal(byHand);
        withOptions.Should().NotEqual(OnnxRuntimeAlone(CnnFixture.ModelWithFeaturesOutput, raw, 8, scale: 1, mean: 0, std: 1), "raw pixels give other features");
    }

    [Fact]
    public void Extract_Standardizer_IsTheStandardizersOwnTransformThenScaleMeanStd()
    {
        // A Standardizer fitted on training rows (with constant pixels: σ = 0), applied by the body first: the same
        // features as a body without it given Standardizer.Transform's output.
        var data = Dataset.ForClassification(MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, 8, CnnFixture.RawPixels()), [0, 1, 2, 3, 4, 0, 1, 2], 5);
        var standardizer = Standardizer.Fit(data);
        using var withStandardizer = OnnxBody.Load(CnnFixture.Model, new OnnxBodyOptions { InputShape = [1, 28, 28], Cut = "features", Standardizer = standardizer, Std = 2 });
        using var none = OnnxBody.Load(CnnFixture.Model, new OnnxBodyOptions { InputShape = [1, 28, 28], Cut = "features", Std = 2 });

        var features = withStandardizer.Extract(data).FeatureValues.ToArray();

        standardizer.StandardDeviations.Should().Contain(0f, "the corner pixels are 0 in every image");
        features.Should().Equal(none.Extract(standardizer.Transform(data)).FeatureValues.ToArray());
        var wrong = () => OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Standardizer = Standardizer.FromStatistics([0f, 0f], [1f, 1f]) });
        wrong.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*784 values*[1, 28, 28]*2 features*");
    }

    [Fact]
    public void Extract_ScaleAndStdThatCancel_SameFeaturesAsDefaults()
    {
        float[] rows = CnnFixture.RandomRows(8, seed: 8);
        using var cancelling = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Scale = 4, Mean = 0, Std = 4 });
        using var defaults = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options() with { Mean = 0, Std = 1 });
        var a = new float[8 * CnnFixture.Features];
        var b = new float[8 * CnnFixture.Features];

        cancelling.Extract(rows, a);
        defaults.Extract(rows, b);

        a.Should().Equal(b);
    }

    [Fact]
    public void Extract_Dataset_SameFeaturesLabelsAndClassNames()
    {
        float[] rows = CnnFixture.RandomRows(12, seed: 9);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
        var data = Dataset.ForClassification(rows, 12, 784, labels, 3).WithClassNames(["a", "b", "c"]);
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options(batchSize: 5));
        var features = new float[12 * CnnFixture.Features];
        body.Extract(rows, features);

        Dataset extracted = body.Extract(data);

        extracted.FeatureCount.Should().Be(CnnFixture.Features);
        extracted.Count.Should().Be(12);
        extracted.Labels.Should().Equal(labels);
        extracted.ClassCount.Should().Be(3);
        extracted.ClassNames.Should().Equal("a", "b", "c");
        extracted.FeatureValues.ToArray().Should().Equal(features);
    }

    [Fact]
    public void Extract_RegressionDataset_KeepsTargets()
    {
        float[] rows = CnnFixture.RandomRows(3, seed: 10);
        var data = Dataset.ForRegression(
            MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(784, 3, rows),
            MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(2, 3, [1, 2, 3, 4, 5, 6]));
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());

        Dataset extracted = body.Extract(data);

        extracted.IsClassification.Should().BeFalse();
        extracted.Targets!.ToColumnMajorArray().Should().Equal(1, 2, 3, 4, 5, 6);
        extracted.FeatureCount.Should().Be(CnnFixture.Features);
    }

    [Fact]
    public void Extract_NoExamples_NothingToDo()
    {
        using var body = OnnxBody.Load(CnnFixture.Model, CnnFixture.Options());

        body.Extract([], []);
    }

    /// <summary>ONNX Runtime alone: the model's "features" output for the rows, standardised as the body documents, in batches.</summary>
    internal static float[] OnnxRuntimeAlone(string model, float[] rows, int batch, float scale = 1f, float mean = CnnFixture.Mean, float std = CnnFixture.Std)
    {
        using var session = new InferenceSession(model);
        int count = rows.Length / 784;
        var result = new List<float>();
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            float[] input = [.. rows.AsSpan(start * 784, n * 784).ToArray().Select(x => ((x * scale) - mean) / std)];
            using var value = OrtValue.CreateTensorValueFromMemory(input, [n, 1, 28, 28]);
            using var outputs = session.Run(new RunOptions(), ["pixels"], [value], ["features"]);
            result.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }

        return [.. result];
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        a.Should().HaveSameCount(b);
        return a.Zip(b).Max(p => Math.Abs((double)p.First - p.Second));
    }
}
