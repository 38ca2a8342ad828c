using BenchmarkDotNet.Attributes;

namespace TransferLearning.Benchmarks.Gemm;

// Workload G under BenchmarkDotNet: dotnet run -c Release --project tests/TransferLearning.Benchmarks -- --filter *Gemm*
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private GemmSetup? _setup;

    [Params("128x784x512", "512x784x128", "1024x1024x1024")]
    public string Shape { get; set; } = "128x784x512";

    [Params(GemmSetup.Managed, GemmSetup.NativeBlas, GemmSetup.OpenBlasRaw)]
    public string Backend { get; set; } = GemmSetup.Managed;

    [GlobalSetup]
    public void Setup()
    {
        int[] mkn = [.. Shape.Split('x').Select(int.Parse)];
        _setup = new GemmSetup(mkn[0], mkn[1], mkn[2], Backend);
    }

    [Benchmark(Description = "C = A·B (M×K · K×N)")]
    public void Gemm() => _setup!.Run();
}
