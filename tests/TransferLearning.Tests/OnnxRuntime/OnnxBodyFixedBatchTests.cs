using Microsoft.ML.OnnxRuntime;
using TransferLearning.OnnxRuntime;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>A model exported with a fixed batch dimension (fixed-batch.onnx: 3) runs in batches of that size, the last one padded.</summary>
public sealed class OnnxBodyFixedBatchTests
{
    private static readonly string Model = Path.Combine(CnnFixture.Folder, "fixed-batch.onnx");

    [Fact]
    public void Extract_FixedBatchOf3_SevenExamples_EqualsOnnxRuntimeOnPaddedBatches()
    {
        float[] rows = [.. Enumerable.Range(0, 7 * 16).Select(i => (float)Math.Sin(i))];
        using var body = OnnxBody.Load(Model, new OnnxBodyOptions { InputShape = [1, 4, 4], BatchSize = 64 });
        var features = new float[7 * 8];

        body.Extract(rows, features);

        body.OutputSize.Should().Be(8);
        body.InputName.Should().Be("image");
        using var session = new InferenceSession(Model);
        var padded = new float[9 * 16];
        rows.CopyTo(padded, 0);
        var expected = new List<float>();
        for (int batch = 0; batch < 3; batch++)
        {
            using var value = OrtValue.CreateTensorValueFromMemory(padded[(batch * 48)..((batch + 1) * 48)], [3, 1, 4, 4]);
            using var outputs = session.Run(new RunOptions(), ["image"], [value], ["features"]);
            expected.AddRange(outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }

        features.Should().Equal(expected.Take(7 * 8));
    }
}
