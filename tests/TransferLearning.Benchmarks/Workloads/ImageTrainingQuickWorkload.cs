using TransferLearning.Benchmarks.Quick;
using TransferLearning.Compute;
using TransferLearning.Data;
using TransferLearning.Networks;
using TransferLearning.Samples;
using TransferLearning.Training;

namespace TransferLearning.Benchmarks.Workloads;

// W1-images (DESIGN.md §7): W1 on Fashion-MNIST's 60,000 training images, about half of whose pixels are zero, on
// the managed backend: with the first layer's products skipping zero inputs (the default) and with the dense
// products (the same weights, to the bit), each against W1's float32 floor. Needs the data set installed
// (/usr/share/datasets/fashion-mnist, or FASHION_MNIST_DIR); runs by default when it is.
public sealed class ImageTrainingQuickWorkload : IQuickWorkload
{
    private static readonly Lazy<Dataset> LazyImages = new(() => FashionMnistFolders.Load().Train);

    public string Id => "WI";

    public string Title => "W1 on Fashion-MNIST's training images: zero-skipping first layer against the dense products";

    public bool RunsByDefault => FashionMnistFolders.Find() is not null;

    public IEnumerable<QuickCase> CreateCases()
    {
        if (FashionMnistFolders.Find() is null)
        {
            Console.Error.WriteLine("WI needs Fashion-MNIST (apt-get install dataset-fashion-mnist, or FASHION_MNIST_DIR): skipped.");
            yield break;
        }

        // The default backend; and, where that is AVX-512 (against which the 256-bit zero-skipping kernels lose, so
        // nothing skips there), the AVX2 kernel too, where skipping runs.
        var backends = new List<ComputeBackend> { ComputeBackend.Managed };
        if (ComputeBackend.Managed is ManagedComputeBackend { Kernel: GemmKernelKind.Avx512 })
        {
            backends.Add(new ManagedComputeBackend(GemmKernelKind.Avx2, Environment.ProcessorCount));
        }

        foreach (var backend in backends)
        {
            foreach (bool skips in new[] { true, false })
            {
                Network? network = null;
                yield return TrainingQuickWorkload.Heavy(
                    "W1i",
                    skips ? "images, skips zeros" : "images, dense",
                    backend.Name,
                    () =>
                    {
                        network = TrainingWorkloadData.Mlp(backend);
                        network.SkipsZeroInputs = skips;
                        _ = LazyImages.Value;
                    },
                    () => new Trainer(TrainingWorkloadData.EpochOptions).Fit(network!, LazyImages.Value)) with { FloorGflop = TrainingQuickWorkload.Full };
            }
        }
    }
}
