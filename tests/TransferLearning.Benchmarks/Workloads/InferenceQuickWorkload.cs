using TransferLearning.Benchmarks.Quick;
using TransferLearning.Compute;
using TransferLearning.Networks;
using TransferLearning.Samples;

namespace TransferLearning.Benchmarks.Workloads;

// Workloads W3, W4 and W5 of DESIGN.md §7 in quick mode, through the public prediction calls: W4 one example
// per call (median and p99 over 21,000 calls, bytes allocated per call), W5 a batch of 32, W3 10,000 examples in
// batches of 1,000; each on §7's data, Fashion-MNIST's test images, when installed ("images": half their pixels
// zero, which our kernels skip), and on the uniform pixels of the W workloads ("uniform": in [0, 1), none zero,
// the worst case for our kernels). Ours with the default backend and with one thread (where a second thread
// starts to pay for itself), and ONNX Runtime on the same weights, exported by TransferLearning.Onnx, in the
// same run.
public sealed class InferenceQuickWorkload : IQuickWorkload
{
    private const int SingleCalls = 7_000;   // per round; three rounds

    public string Id => "I";

    public string Title => "Inference latency, 784-512-256-10: one example (W4), a batch of 32 (W5), 10,000 in batches of 1,000 (W3)";

    // Fashion-MNIST's 10,000 test images (pixels in [0, 1]), when installed: about half their pixels are 0,
    // which the one-example product skips.
    private static readonly Lazy<float[]?> FashionMnistTest = new(() =>
        FashionMnistFolders.Find() is null ? null : FashionMnistFolders.Load().Test.FeatureData.ToArray());

    public IEnumerable<QuickCase> CreateCases()
    {
        var test = TrainingWorkloadData.Test.FeatureData.ToArray();
        var images = FashionMnistTest.Value;
        var oneThread = new ManagedComputeBackend(ManagedComputeBackend.BestKernel(), maxThreads: 1);
        foreach (var backend in new[] { ComputeBackend.Default, oneThread })
        {
            var network = TrainingWorkloadData.Mlp(backend);
            string name = backend.Name;
            var output = new float[TrainingWorkloadData.Classes * 1000];
            int next = 0;

            yield return Latency("W4", "batch 1, uniform", name, () => network.Predict(Example(test, ref next, 1), output.AsSpan(0, 10)), SingleCalls);
            if (images is not null && backend == ComputeBackend.Default)
            {
                int nextImage = 0;
                yield return Latency("W4", "batch 1, images", name, () => network.Predict(Example(images, ref nextImage, 1), output.AsSpan(0, 10)), SingleCalls);
            }

            yield return Latency("W5", "batch 32, uniform", name, () => network.PredictBatch(Example(test, ref next, 32), output.AsSpan(0, 320)), 1_500);
            if (images is not null && backend == ComputeBackend.Default)
            {
                int nextImages = 0;
                yield return Latency("W5", "batch 32, images", name, () => network.PredictBatch(Example(images, ref nextImages, 32), output.AsSpan(0, 320)), 1_500);
            }

            if (backend == ComputeBackend.Default)
            {
                yield return W3("ours, uniform", name, (x, y) => network.PredictBatch(x, y));
                if (images is not null)
                {
                    yield return W3("ours, images", name, (x, y) => network.PredictBatch(x, y), images);
                }
            }
        }

        // The same weights in ONNX Runtime; the largest difference from ours is printed once, as a check.
        var reference = TrainingWorkloadData.Mlp(ComputeBackend.Default);
        var ort = new OnnxRuntimeReference(reference);
        var ortOutput = new float[TrainingWorkloadData.Classes * 1000];
        int ortNext = 0;
        PrintLargestDifference(reference, ort, test, "examples");
        if (images is not null)
        {
            PrintLargestDifference(reference, ort, images, "Fashion-MNIST test images");
        }
        yield return Latency("W4", "batch 1, uniform", ort.Name, () => ort.Predict(Example(test, ref ortNext, 1), ortOutput.AsSpan(0, 10)), SingleCalls);
        if (images is not null)
        {
            int ortNextImage = 0;
            yield return Latency("W4", "batch 1, images", ort.Name, () => ort.Predict(Example(images, ref ortNextImage, 1), ortOutput.AsSpan(0, 10)), SingleCalls);
        }

        yield return Latency("W5", "batch 32, uniform", ort.Name, () => ort.Predict(Example(test, ref ortNext, 32), ortOutput.AsSpan(0, 320)), 1_500);
        if (images is not null)
        {
            int ortNextImages = 0;
            yield return Latency("W5", "batch 32, images", ort.Name, () => ort.Predict(Example(images, ref ortNextImages, 32), ortOutput.AsSpan(0, 320)), 1_500);
        }

        yield return W3("onnxruntime, uniform", ort.Name, ort.Predict);
        if (images is not null)
        {
            yield return W3("onnxruntime, images", ort.Name, ort.Predict, images);
        }

        // Where ONNX Runtime's second thread pays.
        var ortOne = new OnnxRuntimeReference(reference, threads: 1);
        int ortOneNext = 0;
        yield return Latency("W4", "batch 1, uniform", ortOne.Name, () => ortOne.Predict(Example(test, ref ortOneNext, 1), ortOutput.AsSpan(0, 10)), SingleCalls);
        yield return Latency("W5", "batch 32, uniform", ortOne.Name, () => ortOne.Predict(Example(test, ref ortOneNext, 32), ortOutput.AsSpan(0, 320)), 1_500);
    }

    private static void PrintLargestDifference(Network network, OnnxRuntimeReference ort, float[] test, string what)
    {
        var x = test.AsSpan(0, 1000 * TrainingWorkloadData.Inputs);
        var ours = new float[TrainingWorkloadData.Classes * 1000];
        var theirs = new float[ours.Length];
        network.PredictBatch(x, ours);
        ort.Predict(x, theirs);
        float worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(ours[i] - theirs[i]));
        }

        Console.WriteLine($"Same weights in both engines: largest output difference over 1,000 {what} {worst:E1}.");
    }

    // The next `count` examples of the test set, cycling, so that calls do not see one example only.
    internal static ReadOnlySpan<float> Example(float[] test, ref int next, int count)
    {
        if (next + count > TrainingWorkloadData.TestCount)
        {
            next = 0;
        }

        var span = test.AsSpan(next * TrainingWorkloadData.Inputs, count * TrainingWorkloadData.Inputs);
        next += count;
        return span;
    }

    internal static QuickCase Latency(string workload, string label, string backend, Action call, int calls) =>
        new(workload, label, backend, "µs", HigherIsBetter: false, () => { }, call, seconds => seconds * 1e6)
        {
            Warmup = 200,
            WarmupSeconds = 0.5,
            MinSamples = calls,
            MaxSamples = calls,
            MeasureAllocations = true,
        };

    internal delegate void BatchCall(ReadOnlySpan<float> examples, Span<float> outputs);

    // W3 over `data` (10,000 examples; the workloads' synthetic test set when null).
    internal static QuickCase W3(string label, string backend, BatchCall predict, float[]? data = null)
    {
        var test = data ?? TrainingWorkloadData.Test.FeatureData.ToArray();
        var output = new float[TrainingWorkloadData.Classes * 1000];
        return new QuickCase("W3", label, backend, "s", HigherIsBetter: false, () => { }, () =>
        {
            for (int start = 0; start < TrainingWorkloadData.TestCount; start += 1000)
            {
                predict(test.AsSpan(start * TrainingWorkloadData.Inputs, 1000 * TrainingWorkloadData.Inputs), output);
            }
        }, seconds => seconds)
        {
            Warmup = 2,
            MinSamples = 5,
            TargetSecondsPerRound = 0.5,
        };
    }
}
