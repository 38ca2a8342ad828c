using TransferLearning.Benchmarks.Quick;

namespace TransferLearning.Benchmarks.Gemm;

// Workload G in quick mode: GFLOP/s (2·M·N·K / median seconds) per shape and backend. GT is the same
// for the products of training the 784-512-256-10 network at batch 128: forward W·X (NN), weight gradient
// dZ·Aᵀ (NT) and input gradient Wᵀ·dZ (TN).
public sealed class GemmQuickWorkload : IQuickWorkload
{
    private readonly bool _training;

    public GemmQuickWorkload(bool training = false) => _training = training;

    public string Id => _training ? "GT" : "G";

    public string Title => _training ? "Training products (NN, NT, TN) at batch 128" : "Matrix products, float32 C = A·B";

    public static IReadOnlyList<(bool Ta, bool Tb, int M, int K, int N)> TrainingShapes { get; } =
    [
        (false, false, 512, 784, 128),
        (false, true, 512, 128, 784),
        (true, false, 784, 512, 128),
        (false, false, 256, 512, 128),
        (false, true, 256, 128, 512),
        (true, false, 512, 256, 128),
        (false, false, 10, 256, 128),
        (false, true, 10, 128, 256),
        (true, false, 256, 10, 128),
    ];

    public IEnumerable<QuickCase> CreateCases()
    {
        IEnumerable<(bool Ta, bool Tb, int M, int K, int N)> shapes = _training
            ? TrainingShapes
            : GemmSetup.Shapes.Select(s => (false, false, s.M, s.K, s.N));
        foreach ((bool ta, bool tb, int m, int k, int n) in shapes)
        {
            string label = _training ? $"{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} {m}x{k}x{n}" : $"{m}x{k}x{n}";
            foreach (string backend in GemmSetup.Backends)
            {
                if (!GemmSetup.IsAvailable(backend))
                {
                    Console.WriteLine($"{Id} {label}: {backend} is not available on this machine; skipped.");
                    continue;
                }

                GemmSetup? setup = null;
                double flops = 2.0 * m * n * k;
                yield return new QuickCase(
                    Id,
                    label,
                    GemmSetup.DisplayName(backend),
                    "GFLOP/s",
                    HigherIsBetter: true,
                    Setup: () =>
                    {
                        setup = new GemmSetup(m, k, n, backend, ta, tb);
                        setup.Verify();
                    },
                    Iteration: () => setup!.Run(),
                    Metric: seconds => flops / seconds / 1e9);
            }
        }
    }
}
