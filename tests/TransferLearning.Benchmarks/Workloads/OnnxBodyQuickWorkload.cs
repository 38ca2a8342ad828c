using Microsoft.ML.OnnxRuntime;
using TransferLearning.Benchmarks.Quick;
using TransferLearning.OnnxRuntime;
using TransferLearning.Samples;

namespace TransferLearning.Benchmarks.Workloads;

// OB: feature extraction through OnnxBody against ONNX Runtime alone, on the committed CNN of
// tests/fixtures/onnx-body (make_cnn.py: two conv + pool blocks, a dense layer of 64; cut at "features"):
// 1,000 images per iteration, reported as images/s. OnnxBody reads rows of 784 pixels in [0, 1], standardises them
// ((x − 0.2860) / 0.3530) and runs the model with "features" declared an output; ONNX Runtime alone runs
// cnn-features-output.onnx (the same graph, the output declared by the onnx package) on images standardised
// beforehand, into its own tensors. Both in batches of 64 and of 1,000, on ONNX Runtime's default threads and on
// one. On Fashion-MNIST's first 1,000 test images when installed, else on uniform pixels from a fixed seed.
public sealed class OnnxBodyQuickWorkload : IQuickWorkload
{
    private const int Images = 1000;
    private const float Mean = 0.2860f;
    private const float Std = 0.3530f;

    public string Id => "OB";

    public string Title => "ONNX body: CNN features (images/s), OnnxBody.Extract against InferenceSession alone, 1,000 images";

    public IEnumerable<QuickCase> CreateCases()
    {
        string folder = FixtureFolder();
        float[] rows = Rows();
        foreach (int threads in new[] { 0, 1 })
        {
            foreach (int batch in new[] { 64, Images })
            {
                string name = $"batch {batch}, {(threads == 0 ? "default threads" : "1 thread")}";
                OnnxBody? body = null;
                var features = new float[Images * 64];
                yield return Case(
                    $"OnnxBody {name}",
                    () => body ??= OnnxBody.Load(Path.Combine(folder, "cnn.onnx"), new OnnxBodyOptions { InputShape = [1, 28, 28], Cut = "features", Mean = Mean, Std = Std, BatchSize = batch, IntraOpThreads = threads }),
                    () => body!.Extract(rows, features));

                InferenceSession? session = null;
                float[] standardised = [.. rows.Select(x => (x - Mean) / Std)];
                yield return Case(
                    $"ORT alone {name}",
                    () =>
                    {
                        using var options = new SessionOptions { IntraOpNumThreads = threads };
                        session ??= new InferenceSession(Path.Combine(folder, "cnn-features-output.onnx"), options);
                    },
                    () => RunAlone(session!, standardised, batch, features));
            }
        }
    }

    private static void RunAlone(InferenceSession session, float[] standardised, int batch, float[] features)
    {
        using var runOptions = new RunOptions();
        for (int start = 0; start < Images; start += batch)
        {
            int n = Math.Min(batch, Images - start);
            using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, standardised.AsMemory(start * 784, n * 784), [n, 1, 28, 28]);
            using var outputs = session.Run(runOptions, ["pixels"], [value], ["features"]);
            outputs[0].GetTensorDataAsSpan<float>().CopyTo(features.AsSpan(start * 64, n * 64));
        }
    }

    private static float[] Rows()
    {
        if (FashionMnistFolders.Find() is not null)
        {
            return FashionMnistFolders.Load().Test.FeatureValues[..(Images * 784)].ToArray();
        }

        var random = new MathNet.Numerics.Random.Xoshiro256StarStar(20);
        return [.. Enumerable.Range(0, Images * 784).Select(_ => (float)random.NextDouble())];
    }

    private static string FixtureFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "fixtures", "onnx-body");
            if (File.Exists(Path.Combine(candidate, "cnn.onnx")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("Expected tests/fixtures/onnx-body/cnn.onnx above the benchmark's folder but found none.");
    }

    private QuickCase Case(string name, Action setup, Action iteration) =>
        new(Id, name, "ONNX Runtime 1.31.1", "images/s", true, setup, iteration, seconds => Images / seconds)
        {
            TargetSecondsPerRound = 0.5,
            MinSamples = 3,
            MaxSamples = 50,
        };
}
