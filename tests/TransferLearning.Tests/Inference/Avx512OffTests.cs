using TransferLearning.Compute;
using TransferLearning.Inference;
using TransferLearning.Networks;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Inference;

/// <summary>
/// A process with AVX-512 turned off (<c>DOTNET_EnableAVX512=0</c>, the .NET 10 switch; <c>DOTNET_EnableAVX512F=0</c>, which
/// .NET 8 and 9 read, no longer turns it off), as on a CPU without it: the default backend
/// takes the AVX2 kernel, and a batch of images takes the AVX2 sparse products, with the bits of the AVX2 path here.
/// </summary>
public class Avx512OffTests
{
    private const string Program = """
        using System.Reflection;
        using TransferLearning.Compute;
        using TransferLearning.Networks;

        var network = Network.Create(784, seed: 7).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(10, Activation.Softmax);
        var x = new float[32 * 784];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % 784 % 3 == 0 ? 0f : (i % 97) / 97f;
        }

        var output = new float[320];
        network.PredictBatch(x, output);
        var counter = typeof(Network).Assembly.GetType("TransferLearning.Inference.SparseBatchGemm")!
            .GetProperty("MultipliesOnThisThread", BindingFlags.Public | BindingFlags.Static)!;
        Console.WriteLine(ComputeBackend.Default.Name);
        Console.WriteLine(counter.GetValue(null));
        Console.WriteLine(string.Join(",", output.Select(BitConverter.SingleToInt32Bits)));
        """;

    [SkippableFact]
    public void PredictBatch_Avx512TurnedOff_TakesTheAvx2SparseProducts_WithTheirBits()
    {
        Skip.IfNot(SparseBatchGemm.IsSupportedFor(GemmKernelKind.Avx2), "This CPU has no AVX2 with FMA.");
        var (errors, assembly) = ConsoleAppCompiler.Compile(Program);
        errors.Should().BeEmpty();
        using var folder = new TempFolder();
        string app = ConsoleAppCompiler.WriteApp(assembly, folder.Path, "TransferLearning.TestHooks");

        var (exitCode, output, error) = ExternalProcess.RunDotnet(new Dictionary<string, string> { ["DOTNET_EnableAVX512"] = "0", ["DOTNET_EnableAVX512F"] = "0" }, app);

        exitCode.Should().Be(0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[0].Should().StartWith("Managed (AVX2, ");
        lines[1].Should().Be("2", "both hidden layers ran the sparse products (the 10-class output layer the dense one)");
        lines[2].Should().Be(string.Join(",", Here().Select(BitConverter.SingleToInt32Bits)), "the AVX2 path's bits, here on the AVX2 kernel");
    }

    // The same prediction in this process on the AVX2 kernel.
    private static float[] Here()
    {
        var network = Network.Create(784, seed: 7).Dense(512, Activation.ReLU).Dense(256, Activation.ReLU).Dense(10, Activation.Softmax);
        network.TrainingBackend = new ManagedComputeBackend(GemmKernelKind.Avx2, maxThreads: 2);
        var x = new float[32 * 784];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = i % 784 % 3 == 0 ? 0f : (i % 97) / 97f;
        }

        var output = new float[320];
        int before = SparseBatchGemm.MultipliesOnThisThread;
        network.PredictBatch(x, output);
        SparseBatchGemm.MultipliesOnThisThread.Should().Be(before + 2);
        return output;
    }
}
