using TransferLearning.Compute;
using TransferLearning.Networks;

namespace TransferLearning.Inference;

/// <summary>A small batch of examples that share zero inputs, on the sparse products (AVX-512 or AVX2).</summary>
internal sealed partial class InferencePlan
{
    /// <summary>
    /// The rows of a last layer that the sparse path runs on the dense small-batch product (10 classes): half an
    /// AVX-512 panel, a whole AVX2 panel, whose sparse kernels would run nearly every input of the union of 8 (or 4)
    /// examples.
    /// </summary>
    private const int SmallOutputRows = 16;

    /// <summary>
    /// 2 to 64 examples whose pairs share a sixth or more zero inputs (images; see
    /// <see cref="SparseBatchGemm"/>), through a range of affine layers (and layers that are the identity at
    /// inference): per affine layer, <c>Y = g(W·X + b)</c> with the examples as columns, on the one-example
    /// packing, skipping the columns of <c>W</c> that neither example of a pair needs. The hidden ReLU layers'
    /// outputs are about half zero too. The last layer, when it has <see cref="SmallOutputRows"/> rows or fewer (10 classes), runs the dense
    /// small-batch product instead (<see cref="RunOutputLayer"/>). <paramref name="z"/>, when not null, receives
    /// the last layer's pre-activation.
    /// </summary>
    /// <returns>False when <paramref name="x"/> holds NaN or ±∞, which the first product finds as it reads the inputs.</returns>
    private unsafe bool RunSparse(
        in LayerRange range, GemmKernelKind kernel, int threads, float* x, int columns, float* output, float* z, float* prefetch, int prefetchFloats)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        int last = LastAffine(range);
        float* data = x;
        int ld = range.InputRows;
        int slot = 0;
        for (int l = range.First; l <= last; l++)
        {
            if (layers[l] is not IAffineLayer affine)
            {
                continue;   // the identity at inference (dropout)
            }

            if (l == last && affine.OutputSize <= SmallOutputRows && data != x)
            {
                RunOutputLayer(l, affine, kernel, threads, data, ld, columns, slot, output, z);
                return true;
            }

            var packed = Packed(l, affine, kernel, mr);
            float* y = buffers.Get(slot, columns * packed.PaddedRows);
            if (!SparseBatchGemm.Multiply(packed, data, ld, columns, y, affine.Activation.FusedSlope, threads, checkFinite: data == x, prefetch, prefetchFloats))
            {
                return false;
            }

            prefetch = null;
            int rows = affine.OutputSize;
            if (z != null && l == range.End - 1)
            {
                for (int c = 0; c < columns; c++)
                {
                    new ReadOnlySpan<float>(y + ((nint)c * packed.PaddedRows), rows).CopyTo(new Span<float>(z + ((nint)c * rows), rows));
                }
            }

            if (affine.Activation.IsSoftmax)
            {
                // Across the examples, a vector of them at a time: each example's outputs copied side by side (a
                // softmax per 10-value example cost 0.25 µs, 8 µs of a batch of 32).
                float* block = buffers.Get(2, rows * columns);
                Transpose(y, packed.PaddedRows, block, columns, columns, rows);
                Elementwise.SoftmaxAcrossLanes(new Span<float>(block, rows * columns), rows, columns);
                Transpose(block, columns, y, packed.PaddedRows, rows, columns);
            }
            else if (!affine.Activation.IsAppliedByProducts)
            {
                // Element-wise: the padding rows are never read.
                Activate(affine.Activation, y, columns * packed.PaddedRows, 1, 0);
            }

            data = y;
            ld = packed.PaddedRows;
            slot = 1 - slot;
        }

        if (data == x && !Guard.IsAllFinite(new ReadOnlySpan<float>(x, columns * ld)))
        {
            return false;   // no affine layer read the inputs
        }

        int outputs = range.OutputRows;
        for (int c = 0; c < columns; c++)
        {
            new ReadOnlySpan<float>(data + ((nint)c * ld), outputs).CopyTo(new Span<float>(output + ((nint)c * outputs), outputs));
        }

        return true;
    }

    /// <summary>
    /// The sparse path's last layer of 16 rows or fewer: its inputs (column-major, <paramref name="ld"/> apart)
    /// packed into the small-batch panels, the dense product with bias and activation, a softmax across each
    /// panel's examples, and the outputs unpacked into <paramref name="output"/>. The same sums in the same order as
    /// the sparse kernel; 0.6–1.1 µs faster on W5 of images than the sparse kernel's 8-example groups, whose union of
    /// non-zero inputs is nearly every input, and its softmax between two transposes (2.8 against 2.2 µs for the
    /// layer, alternating runs, AMD EPYC Zen 5).
    /// </summary>
    private unsafe void RunOutputLayer(
        int index, IAffineLayer affine, GemmKernelKind kernel, int threads, float* x, int ld, int columns, int slot, float* output, float* z)
    {
        var buffers = InferenceBuffers.Current;
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        int panels = PackedBatchGemm.PanelsFor(kernel, columns);
        int inputs = affine.InputSize;
        int rows = affine.OutputSize;
        float* packedInput = buffers.Get(2, panels * mr * inputs);
        PackedBatchGemm.PackExamples(kernel, x, ld, columns, inputs, packedInput);
        var packed = Packed(index, affine, kernel, nr);
        int stride = mr * packed.PaddedRows;
        float* y = buffers.Get(slot, panels * stride);
        PackedBatchGemm.Multiply(packed, packedInput, mr * inputs, columns, y, affine.Activation.FusedSlope, threads);
        if (z != null)
        {
            PackedBatchGemm.UnpackExamples(kernel, y, stride, columns, rows, z, rows);
        }

        if (affine.Activation.IsSoftmax)
        {
            for (int q = 0; q < panels; q++)
            {
                Elementwise.SoftmaxAcrossLanes(new Span<float>(y + ((nint)q * stride), rows * mr), rows, mr);
            }
        }
        else if (!affine.Activation.IsAppliedByProducts)
        {
            Activate(affine.Activation, y, panels * stride, 1, 0);
        }

        PackedBatchGemm.UnpackExamples(kernel, y, stride, columns, rows, output, rows);
    }

    /// <summary><c>to[j·ldTo + i] = from[i·ldFrom + j]</c> for <c>i &lt; count</c>, <c>j &lt; length</c>.</summary>
    private static unsafe void Transpose(float* from, int ldFrom, float* to, int ldTo, int count, int length)
    {
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < length; j++)
            {
                to[((nint)j * ldTo) + i] = from[((nint)i * ldFrom) + j];
            }
        }
    }

    /// <summary>The index of the range's last affine layer (the layers after it are the identity at inference), or <c>First − 1</c> when it has none.</summary>
    private int LastAffine(in LayerRange range)
    {
        var layers = network.Layers;
        for (int l = range.End - 1; l >= range.First; l--)
        {
            if (layers[l] is IAffineLayer)
            {
                return l;
            }
        }

        return range.First - 1;
    }

    /// <summary>Whether every layer of the range is affine or the identity at inference (the sparse batch path handles only those).</summary>
    private bool IsAffineOnly(in LayerRange range)
    {
        var layers = network.Layers;
        for (int l = range.First; l < range.End; l++)   // not foreach: its enumerator would be allocated on every call
        {
            if (layers[l] is not IAffineLayer && !layers[l].IsIdentityAtInference)
            {
                return false;
            }
        }

        return true;
    }
}
