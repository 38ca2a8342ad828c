using TransferLearning.Compute;
using TransferLearning.Networks.Activations;

namespace TransferLearning.Networks;

/// <summary>
/// The small-batch inference of one network: every dense layer's weights packed once per weight version
/// (re-packed only when training or <see cref="Parameter.SetValues"/> changed them), then, per layer, one
/// product on the packed panels with the bias and a ReLU-family activation fused in, into per-thread scratch.
/// </summary>
/// <remarks>
/// Safe from any number of threads at once: the packings are immutable and published whole (two threads that
/// find a layer stale may both pack it; one packing wins), and the scratch is per thread.
/// </remarks>
internal sealed class InferencePlan
{
    private PackedLayer?[] _layers = [];

    /// <summary><c>output ← A[L]</c> for <paramref name="columns"/> examples of <paramref name="x"/> (each contiguous).</summary>
    public unsafe void Run(Network network, ReadOnlySpan<float> x, int columns, Span<float> output)
    {
        var (kernel, threads) = KernelOf(network.Backend);
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        int paddedColumns = PackedGemm.PaddedColumns(kernel, columns);
        fixed (float* px = x)
        {
            float* input = px;
            int ldx = network.InputSize;
            for (int l = 0; l < layers.Count; l++)
            {
                var layer = layers[l];
                var packed = Packed(l, layer, kernel);
                int ldy = packed.PaddedRows;
                float* y = buffers.Get(l % 2, ldy * paddedColumns);
                float* packedInput = buffers.Get(2, PackedGemm.PackedInputFloats(kernel, layer.InputSize, columns));
                var activation = layer.Activation;
                float fuseSlope = activation is LeakyReluActivation relu ? relu.Slope : float.NaN;
                PackedGemm.Multiply(packed, input, ldx, columns, y, ldy, packedInput, fuseSlope, threads);
                if (float.IsNaN(fuseSlope) && activation is not IdentityActivation)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        var z = new Span<float>(y + ((nint)c * ldy), layer.OutputSize);
                        activation.Forward(z, z, layer.OutputSize);
                    }
                }

                input = y;
                ldx = ldy;
            }

            int rows = network.OutputSize;
            for (int c = 0; c < columns; c++)
            {
                new ReadOnlySpan<float>(input + ((nint)c * ldx), rows).CopyTo(output.Slice(c * rows, rows));
            }
        }
    }

    /// <summary>The kernel of a managed backend (and its thread limit); for any other, the best managed kernel here.</summary>
    private static (GemmKernelKind Kernel, int Threads) KernelOf(ComputeBackend backend) => backend is ManagedComputeBackend managed
        ? (managed.Kernel, managed.MaxThreads)
        : (ManagedComputeBackend.BestKernel(), Environment.ProcessorCount);

    private PackedWeights Packed(int index, DenseLayer layer, GemmKernelKind kernel)
    {
        var cache = Volatile.Read(ref _layers);
        while (index >= cache.Length)
        {
            var grown = new PackedLayer?[layer.Owner?.Layers.Count ?? index + 1];
            Array.Copy(cache, grown, Math.Min(cache.Length, grown.Length));
            Interlocked.CompareExchange(ref _layers, grown, cache);
            cache = Volatile.Read(ref _layers);
        }

        var entry = Volatile.Read(ref cache[index]);
        int weightVersion = layer.Weight.Version;
        int biasVersion = layer.Bias.Version;
        if (entry is null || entry.Layer != layer || !entry.Weights.Matches(kernel, weightVersion, biasVersion))
        {
            var weights = PackedWeights.Pack(
                kernel, layer.Weight.Data, layer.OutputSize, layer.InputSize, layer.Bias.Data, weightVersion, biasVersion);
            entry = new PackedLayer(layer, weights);
            Volatile.Write(ref cache[index], entry);
        }

        return entry.Weights;
    }

    /// <summary>A layer and its packing (the layer is kept to notice a layer replaced by another of the same shape).</summary>
    private sealed record PackedLayer(DenseLayer Layer, PackedWeights Weights);
}
