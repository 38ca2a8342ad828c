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
    /// <remarks>Dropout is the identity at inference and is skipped; any other kind of layer (batch normalisation with its running statistics) runs its own inference pass, column by column.</remarks>
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
            int slot = 0;
            for (int l = 0; l < layers.Count; l++)
            {
                float* y;
                int ldy;
                switch (layers[l])
                {
                    case DropoutLayer:
                        continue;
                    case DenseLayer dense:
                        var packed = Packed(l, dense, kernel);
                        ldy = packed.PaddedRows;
                        y = buffers.Get(slot, ldy * paddedColumns);
                        float* packedInput = buffers.Get(2, PackedGemm.PackedInputFloats(kernel, dense.InputSize, columns));
                        var activation = dense.Activation;
                        float fuseSlope = activation is LeakyReluActivation relu ? relu.Slope : float.NaN;
                        PackedGemm.Multiply(packed, input, ldx, columns, y, ldy, packedInput, fuseSlope, threads);
                        if (float.IsNaN(fuseSlope) && activation is not IdentityActivation)
                        {
                            for (int c = 0; c < columns; c++)
                            {
                                var z = new Span<float>(y + ((nint)c * ldy), dense.OutputSize);
                                activation.Forward(z, z, dense.OutputSize);
                            }
                        }

                        break;
                    default:
                        var layer = layers[l];
                        ldy = layer.OutputSize;
                        y = buffers.Get(slot, ldy * columns);
                        int scratchRows = layer.InferenceScratchRows;
                        var scratch = new Span<float>(buffers.Get(3, scratchRows), scratchRows);
                        for (int c = 0; c < columns; c++)
                        {
                            layer.Infer(network.Backend, new ReadOnlySpan<float>(input + ((nint)c * ldx), layer.InputSize), new Span<float>(y + ((nint)c * ldy), ldy), scratch, 1);
                        }

                        break;
                }

                input = y;
                ldx = ldy;
                slot = 1 - slot;
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
            var grown = new PackedLayer?[Math.Max(index + 1, layer.Owner?.Layers.Count ?? 0)];
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
