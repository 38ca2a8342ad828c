using System.Text.Json;
using TransferLearning.OnnxRuntime;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>
/// The committed CNN of tests/fixtures/onnx-body (make_cnn.py): cnn.onnx (graph output "logits", intermediate value
/// "features", 64 per example), cnn-features-output.onnx (the same with "features" also a graph output, made by the
/// onnx package), and expected.json (PyTorch's features and logits for 8 test images, with their raw pixels).
/// </summary>
internal static class CnnFixture
{
    public const float Mean = 0.2860f;
    public const float Std = 0.3530f;
    public const int Features = 64;

    public static string Folder { get; } = Path.Combine(Repository.Root(), "tests", "fixtures", "onnx-body");

    public static string Model { get; } = Path.Combine(Folder, "cnn.onnx");

    public static string ModelWithFeaturesOutput { get; } = Path.Combine(Folder, "cnn-features-output.onnx");

    private static readonly Lazy<JsonElement> ExpectedJson = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement);

    public static JsonElement Expected => ExpectedJson.Value;

    /// <summary>Options for rows of pixels in [0, 1] (as FashionMnist.LoadFrom gives them), cut at "features".</summary>
    public static OnnxBodyOptions Options(int batchSize = 64) => new()
    {
        InputShape = [1, 28, 28],
        Cut = "features",
        Mean = Mean,
        Std = Std,
        BatchSize = batchSize,
    };

    /// <summary>The 8 raw test images of expected.json (bytes 0–255 as floats), row-major.</summary>
    public static float[] RawPixels() => [.. Expected.GetProperty("pixels").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => (float)v.GetInt32()))];

    public static float[] Floats(string name) => [.. Expected.GetProperty(name).EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => (float)v.GetDouble()))];

    /// <summary>Seeded rows of <paramref name="count"/> images with values in [0, 1).</summary>
    public static float[] RandomRows(int count, int seed)
    {
        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(seed);
        var rows = new float[count * 784];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)random.NextDouble();
        }

        return rows;
    }
}
