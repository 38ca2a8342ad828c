using TransferLearning.Compute;
using TransferLearning.Networks;

namespace TransferLearning.Inference;

/// <summary>One example, and a small batch on the dense products.</summary>
internal sealed partial class InferencePlan
{
    /// <summary>
    /// One example: a matrix–vector product per affine layer on its Mr-row panels. <paramref name="z"/>, when not
    /// null, receives the last layer's pre-activation.
    /// </summary>
    private unsafe void RunOne(in LayerRange range, GemmKernelKind kernel, int threads, float* x, float* output, float* z)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        float* input = x;
        int slot = 0;
        for (int l = range.First; l < range.End; l++)
        {
            var layer = layers[l];
            if (layer.IsIdentityAtInference)
            {
                continue;
            }

            float* y = buffers.Get(slot, ((layer.OutputSize + mr - 1) / mr) * mr);
            if (layer is IAffineLayer affine)
            {
                var packed = Packed(l, affine, kernel, mr);
                float* scratch = buffers.Get(2, PackedGemm.ScratchFloats(affine.InputSize));
                PackedGemm.Multiply(packed, input, y, scratch, affine.Activation.FusedSlope, threads);
                if (z != null && l == range.End - 1)
                {
                    new ReadOnlySpan<float>(y, affine.OutputSize).CopyTo(new Span<float>(z, affine.OutputSize));
                }

                if (!affine.Activation.IsAppliedByProducts)
                {
                    Activate(affine.Activation, y, affine.OutputSize, 1, affine.OutputSize);
                }
            }
            else
            {
                InferLayer(layer, input, 1, y);
            }

            input = y;
            slot = 1 - slot;
        }

        new ReadOnlySpan<float>(input, range.OutputRows).CopyTo(new Span<float>(output, range.OutputRows));
    }

    /// <summary>
    /// 2 to 64 examples: per affine layer, <c>Yᵀ = Xᵀ·Wᵀ</c> on Nr-row panels of <c>W</c>, the examples kept in the
    /// micro-kernel's packed-A panels from one affine layer to the next; unpacked to columns only where a layer
    /// needs whole examples (softmax, batch normalisation) and at the end. <paramref name="z"/>, when not null,
    /// receives the last layer's pre-activation.
    /// </summary>
    private unsafe bool RunBatch(
        in LayerRange range, GemmKernelKind kernel, int threads, float* x, int columns, float* output, float* z, float* prefetch = null, int prefetchFloats = 0)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        int panels = PackedBatchGemm.PanelsFor(kernel, columns);
        float* data = x;
        int rows = range.InputRows;
        int stride = rows;   // columns: the leading dimension; panels: floats per panel
        bool inPanels = false;
        int slot = 0;
        if (SparseBatchGemm.IsSupportedFor(kernel) && IsAffineOnly(range) && SparseBatchGemm.SharesEnoughZeros(x, rows, columns))
        {
            return RunSparse(range, kernel, threads, x, columns, output, z, prefetch, prefetchFloats);
        }

        if (!Guard.IsAllFinite(new ReadOnlySpan<float>(x, columns * rows)))
        {
            return false;
        }

        for (int l = range.First; l < range.End; l++)
        {
            var layer = layers[l];
            if (layer.IsIdentityAtInference)
            {
                continue;
            }

            if (layer is IAffineLayer affine)
            {
                if (!inPanels)
                {
                    float* packedInput = buffers.Get(2, panels * mr * rows);
                    PackedBatchGemm.PackExamples(kernel, data, stride, columns, rows, packedInput);
                    data = packedInput;
                    stride = mr * rows;
                    inPanels = true;
                }

                var packed = Packed(l, affine, kernel, nr);
                float* y = buffers.Get(slot, panels * mr * packed.PaddedRows);
                PackedBatchGemm.Multiply(packed, data, stride, columns, y, affine.Activation.FusedSlope, threads, prefetch, prefetchFloats);
                prefetch = null;
                data = y;
                stride = mr * packed.PaddedRows;
                rows = affine.OutputSize;
                slot = 1 - slot;
                if (z != null && l == range.End - 1)
                {
                    PackedBatchGemm.UnpackExamples(kernel, data, stride, columns, rows, z, rows);
                }

                if (affine.Activation.IsAppliedByProducts)
                {
                    continue;
                }

                if (affine.Activation.IsSoftmax)
                {
                    // Across each example's outputs: in a panel they are Mr apart, the examples side by side.
                    for (int q = 0; q < panels; q++)
                    {
                        Elementwise.SoftmaxAcrossLanes(new Span<float>(data + ((nint)q * stride), rows * mr), rows, mr);
                    }
                }
                else
                {
                    // Element-wise: the layout does not matter (the padding is never read).
                    Activate(affine.Activation, data, panels * stride, 1, 0);
                }

                continue;
            }

            if (inPanels)
            {
                float* unpacked = buffers.Get(slot, columns * rows);
                PackedBatchGemm.UnpackExamples(kernel, data, stride, columns, rows, unpacked, rows);
                data = unpacked;
                stride = rows;
                inPanels = false;
                slot = 1 - slot;
            }

            float* next = buffers.Get(slot, columns * layer.OutputSize);
            InferLayer(layer, data, columns, next);
            data = next;
            stride = layer.OutputSize;
            rows = layer.OutputSize;
            slot = 1 - slot;
        }

        int outputs = range.OutputRows;
        if (inPanels)
        {
            PackedBatchGemm.UnpackExamples(kernel, data, stride, columns, outputs, output, outputs);
        }
        else
        {
            for (int c = 0; c < columns; c++)
            {
                new ReadOnlySpan<float>(data + ((nint)c * stride), outputs).CopyTo(new Span<float>(output + ((nint)c * outputs), outputs));
            }
        }

        return true;
    }

    /// <summary><c>A = g(Z)</c> in place, for an activation the kernels did not fuse, over <paramref name="columns"/> columns of <paramref name="rows"/> values.</summary>
    private static unsafe void Activate(Activation activation, float* a, int rows, int columns, int lda)
    {
        for (int c = 0; c < columns; c++)
        {
            var values = new Span<float>(a + ((nint)c * lda), rows);
            activation.Forward(values, values, rows);
        }
    }

    /// <summary>A layer that is not affine runs its own inference pass over contiguous columns.</summary>
    private unsafe void InferLayer(Layer layer, float* input, int columns, float* output)
    {
        var buffers = InferenceBuffers.Current;
        int scratchFloats = layer.InferenceScratchRows * columns;
        var scratch = new Span<float>(buffers.Get(3, scratchFloats), scratchFloats);
        layer.Infer(
            network.TrainingBackend,
            new ReadOnlySpan<float>(input, layer.InputSize * columns),
            new Span<float>(output, layer.OutputSize * columns),
            scratch,
            columns);
    }
}
