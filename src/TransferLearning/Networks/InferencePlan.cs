using TransferLearning.Compute;
using TransferLearning.Networks.Activations;

namespace TransferLearning.Networks;

/// <summary>
/// The inference of one network behind every public prediction call: every dense layer's weights packed once
/// per weight version (re-packed only when training or <see cref="Parameter.SetValues"/> changed them), then, per
/// layer, one product on the packed panels with the bias and a ReLU-family activation fused in, into per-thread
/// scratch. One example: matrix–vector products; up to <see cref="Network.SmallBatchLimit"/>: the small-batch
/// products, each split between the cores (on AVX-512, when pairs of examples share enough zero inputs, the
/// sparse products of <see cref="SparseBatchGemm"/>); more: slices of examples, each on one core.
/// </summary>
/// <remarks>
/// Safe from any number of threads at once: the packings are immutable and published whole (two threads that
/// find a layer stale may both pack it; one packing wins), and the scratch is per thread.
/// </remarks>
internal sealed class InferencePlan
{
    /// <summary>
    /// Examples per slice of a large batch: one slice is one small batch on one thread, and streams every weight
    /// through its core once (a tile of weights serves the slice's two panels of 32 examples while it is in L1).
    /// Slices of 64 ran W3 1–8 % faster than slices of 32 or 96 on a shared machine whose L3 other tenants used;
    /// splitting a batch of 32 into two slices of 16, instead of splitting its products, made W5 10 % slower (each
    /// thread then reads all the weights).
    /// </summary>
    internal const int LargeBatchSlice = Network.SmallBatchLimit;

    private static readonly SlicesJob SharedSlicesJob = new();

    private PackedLayer?[] _layers = [];

    /// <summary><c>output ← A[L]</c> for <paramref name="columns"/> examples of <paramref name="x"/> (each contiguous).</summary>
    /// <returns>
    /// False when <paramref name="x"/> holds NaN or ±∞ (<paramref name="output"/> is then unspecified). A large batch
    /// is checked slice by slice, just before each slice is packed for the kernels: the check reads the slice into
    /// cache in one sequential pass, and the packing finds it there (checking the whole batch first made W3 5 %
    /// slower, the packing then reading a batch the check had pushed out of L2). A batch on the sparse path is
    /// checked by its first product, which reads every input anyway.
    /// </returns>
    /// <remarks>
    /// Dropout is the identity at inference and is skipped; any other kind of layer (batch normalisation with its
    /// running statistics) runs its own inference pass on column-major examples.
    /// </remarks>
    public unsafe bool Run(Network network, ReadOnlySpan<float> x, int columns, Span<float> output)
    {
        var (kernel, threads) = KernelOf(network.Backend);
        fixed (float* px = x)
        fixed (float* po = output)
        {
            if (columns == 1)
            {
                if (!Guard.IsAllFinite(x))
                {
                    return false;
                }

                RunOne(network, kernel, threads, px, po);
                return true;
            }

            return columns <= Network.SmallBatchLimit
                ? RunBatch(network, kernel, threads, px, columns, po)
                : RunLarge(network, kernel, threads, px, columns, po);
        }
    }

    /// <summary>
    /// More than <see cref="Network.SmallBatchLimit"/> examples: slices of up to <see cref="LargeBatchSlice"/>
    /// examples (<see cref="BatchSlices"/>), each through every layer on one thread (<see cref="RunBatch"/>), the
    /// slices claimed by this thread and the worker pool. Splitting the examples rather than each product leaves no
    /// hand-off between layers: split product by product (two hand-offs per slice), a batch of 1,000 ran 1.6 times
    /// faster on two threads than on one; split by examples, 1.95 times.
    /// </summary>
    private unsafe bool RunLarge(Network network, GemmKernelKind kernel, int threads, float* x, int columns, float* output)
    {
        var slices = new ExampleSlices(this, network, kernel, x, columns, output);
        var pool = GemmWorkerPool.Shared;
        if (threads > 1 && pool.TryAcquire())
        {
            try
            {
                SharedSlicesJob.Prepare(slices);
                pool.Run(SharedSlicesJob, SharedSlicesJob.Parts, threads);
                return SharedSlicesJob.AllFinite;
            }
            finally
            {
                SharedSlicesJob.Clear();
                pool.Release();
            }
        }

        return slices.Run(0, slices.Count, upwards: true);
    }

    /// <summary>The kernel of a managed backend (and its thread limit); for any other, the best managed kernel here.</summary>
    private static (GemmKernelKind Kernel, int Threads) KernelOf(ComputeBackend backend) => backend is ManagedComputeBackend managed
        ? (managed.Kernel, managed.MaxThreads)
        : (ManagedComputeBackend.BestKernel(), Environment.ProcessorCount);

    /// <summary><c>A = g(Z)</c> in place, for an activation the kernels did not fuse, over <paramref name="columns"/> columns of <paramref name="rows"/> values.</summary>
    private static unsafe void Activate(Activation activation, float* a, int rows, int columns, int lda)
    {
        for (int c = 0; c < columns; c++)
        {
            var z = new Span<float>(a + ((nint)c * lda), rows);
            activation.Forward(z, z, rows);
        }
    }

    private static float FuseSlopeOf(Activation activation) => activation is LeakyReluActivation relu ? relu.Slope : float.NaN;

    private static bool IsFused(Activation activation) => activation is LeakyReluActivation or IdentityActivation;

    /// <summary>One example: a matrix–vector product per dense layer on its Mr-row panels.</summary>
    private unsafe void RunOne(Network network, GemmKernelKind kernel, int threads, float* x, float* output)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        float* input = x;
        int slot = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer is DropoutLayer)
            {
                continue;
            }

            float* y = buffers.Get(slot, ((layer.OutputSize + mr - 1) / mr) * mr);
            if (layer is DenseLayer dense)
            {
                var packed = Packed(l, dense, kernel, mr);
                float* scratch = buffers.Get(2, PackedGemm.ScratchFloats(dense.InputSize));
                PackedGemm.Multiply(packed, input, y, scratch, FuseSlopeOf(dense.Activation), threads);
                if (!IsFused(dense.Activation))
                {
                    Activate(dense.Activation, y, dense.OutputSize, 1, dense.OutputSize);
                }
            }
            else
            {
                InferLayer(network, layer, input, 1, y);
            }

            input = y;
            slot = 1 - slot;
        }

        new ReadOnlySpan<float>(input, network.OutputSize).CopyTo(new Span<float>(output, network.OutputSize));
    }

    /// <summary>
    /// 2 to 64 examples: per dense layer, <c>Yᵀ = Xᵀ·Wᵀ</c> on Nr-row panels of <c>W</c>, the examples kept in the
    /// micro-kernel's packed-A panels from one dense layer to the next; unpacked to columns only where a layer
    /// needs whole examples (softmax, batch normalisation) and at the end.
    /// </summary>
    private unsafe bool RunBatch(
        Network network, GemmKernelKind kernel, int threads, float* x, int columns, float* output, float* prefetch = null, int prefetchFloats = 0)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        int panels = PackedBatchGemm.PanelsFor(kernel, columns);
        float* data = x;
        int rows = network.InputSize;
        int stride = rows;   // columns: the leading dimension; panels: floats per panel
        bool inPanels = false;
        int slot = 0;
        if (kernel == GemmKernelKind.Avx512 && SparseBatchGemm.IsSupported && IsDenseOnly(network) && SparseBatchGemm.SharesEnoughZeros(x, rows, columns))
        {
            return RunSparse(network, kernel, threads, x, columns, output, prefetch, prefetchFloats);
        }

        if (!Guard.IsAllFinite(new ReadOnlySpan<float>(x, columns * rows)))
        {
            return false;
        }

        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer is DropoutLayer)
            {
                continue;
            }

            if (layer is DenseLayer dense)
            {
                if (!inPanels)
                {
                    float* packedInput = buffers.Get(2, panels * mr * rows);
                    PackedBatchGemm.PackExamples(kernel, data, stride, columns, rows, packedInput);
                    data = packedInput;
                    stride = mr * rows;
                    inPanels = true;
                }

                var packed = Packed(l, dense, kernel, nr);
                float* y = buffers.Get(slot, panels * mr * packed.PaddedRows);
                PackedBatchGemm.Multiply(packed, data, stride, columns, y, FuseSlopeOf(dense.Activation), threads, prefetch, prefetchFloats);
                prefetch = null;
                data = y;
                stride = mr * packed.PaddedRows;
                rows = dense.OutputSize;
                slot = 1 - slot;
                if (IsFused(dense.Activation))
                {
                    continue;
                }

                if (dense.Activation is SoftmaxActivation)
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
                    Activate(dense.Activation, data, panels * stride, 1, 0);
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

            float* z = buffers.Get(slot, columns * layer.OutputSize);
            InferLayer(network, layer, data, columns, z);
            data = z;
            stride = layer.OutputSize;
            rows = layer.OutputSize;
            slot = 1 - slot;
        }

        int outputs = network.OutputSize;
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

    /// <summary>
    /// 2 to 64 examples whose pairs share a sixth or more zero inputs (images; see
    /// <see cref="SparseBatchGemm"/>), through a network of dense (and dropout) layers: per dense layer,
    /// <c>Y = g(W·X + b)</c> with the examples as columns, on the one-example packing, skipping the columns of
    /// <c>W</c> that neither example of a pair needs. The hidden ReLU layers' outputs are about half zero too. The
    /// output layer, when it has 16 rows or fewer (10 classes), runs the dense small-batch product instead
    /// (<see cref="RunOutputLayer"/>).
    /// </summary>
    /// <returns>False when <paramref name="x"/> holds NaN or ±∞, which the first product finds as it reads the inputs.</returns>
    private unsafe bool RunSparse(
        Network network, GemmKernelKind kernel, int threads, float* x, int columns, float* output, float* prefetch, int prefetchFloats)
    {
        var layers = network.Layers;
        var buffers = InferenceBuffers.Current;
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        int last = LastDense(layers);
        float* data = x;
        int ld = network.InputSize;
        int slot = 0;
        for (int l = 0; l <= last; l++)
        {
            if (layers[l] is not DenseLayer dense)
            {
                continue;   // dropout: the identity at inference
            }

            if (l == last && dense.OutputSize <= mr / 2 && data != x)
            {
                RunOutputLayer(l, dense, kernel, threads, data, ld, columns, slot, output);
                return true;
            }

            var packed = Packed(l, dense, kernel, mr);
            float* y = buffers.Get(slot, columns * packed.PaddedRows);
            if (!SparseBatchGemm.Multiply(packed, data, ld, columns, y, FuseSlopeOf(dense.Activation), threads, checkFinite: data == x, prefetch, prefetchFloats))
            {
                return false;
            }

            prefetch = null;
            if (dense.Activation is SoftmaxActivation)
            {
                // Across the examples, a vector of them at a time: each example's outputs copied side by side (a
                // softmax per 10-value example cost 0.25 µs, 8 µs of a batch of 32).
                int rows = dense.OutputSize;
                float* block = buffers.Get(2, rows * columns);
                Transpose(y, packed.PaddedRows, block, columns, columns, rows);
                Elementwise.SoftmaxAcrossLanes(new Span<float>(block, rows * columns), rows, columns);
                Transpose(block, columns, y, packed.PaddedRows, rows, columns);
            }
            else if (!IsFused(dense.Activation))
            {
                // Element-wise: the padding rows are never read.
                Activate(dense.Activation, y, columns * packed.PaddedRows, 1, 0);
            }

            data = y;
            ld = packed.PaddedRows;
            slot = 1 - slot;
        }

        if (data == x && !Guard.IsAllFinite(new ReadOnlySpan<float>(x, columns * ld)))
        {
            return false;   // no dense layer read the inputs
        }

        int outputs = network.OutputSize;
        for (int c = 0; c < columns; c++)
        {
            new ReadOnlySpan<float>(data + ((nint)c * ld), outputs).CopyTo(new Span<float>(output + ((nint)c * outputs), outputs));
        }

        return true;
    }

    /// <summary>
    /// The sparse path's output layer of 16 rows or fewer: its inputs (column-major, <paramref name="ld"/> apart)
    /// packed into the small-batch panels, the dense product with bias and activation, a softmax across each
    /// panel's examples, and the outputs unpacked into <paramref name="output"/>. The same sums in the same order as
    /// the sparse kernel; 0.6–1.1 µs faster on W5 of images than the sparse kernel's 8-example groups, whose union of
    /// non-zero inputs is nearly every input, and its softmax between two transposes (2.8 against 2.2 µs for the
    /// layer, alternating runs, AMD EPYC Zen 5).
    /// </summary>
    private unsafe void RunOutputLayer(int index, DenseLayer dense, GemmKernelKind kernel, int threads, float* x, int ld, int columns, int slot, float* output)
    {
        var buffers = InferenceBuffers.Current;
        var (mr, nr) = ManagedComputeBackend.TileOf(kernel);
        int panels = PackedBatchGemm.PanelsFor(kernel, columns);
        int inputs = dense.InputSize;
        int rows = dense.OutputSize;
        float* packedInput = buffers.Get(2, panels * mr * inputs);
        PackedBatchGemm.PackExamples(kernel, x, ld, columns, inputs, packedInput);
        var packed = Packed(index, dense, kernel, nr);
        int stride = mr * packed.PaddedRows;
        float* z = buffers.Get(slot, panels * stride);
        PackedBatchGemm.Multiply(packed, packedInput, mr * inputs, columns, z, FuseSlopeOf(dense.Activation), threads);
        if (dense.Activation is SoftmaxActivation)
        {
            for (int q = 0; q < panels; q++)
            {
                Elementwise.SoftmaxAcrossLanes(new Span<float>(z + ((nint)q * stride), rows * mr), rows, mr);
            }
        }
        else if (!IsFused(dense.Activation))
        {
            Activate(dense.Activation, z, panels * stride, 1, 0);
        }

        PackedBatchGemm.UnpackExamples(kernel, z, stride, columns, rows, output, rows);
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

    /// <summary>The index of the last dense layer (the layers after it are dropout).</summary>
    private static int LastDense(IReadOnlyList<Layer> layers)
    {
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            if (layers[l] is DenseLayer)
            {
                return l;
            }
        }

        return -1;
    }

    /// <summary>Whether every layer is dense or dropout (the sparse batch path handles only those).</summary>
    private static bool IsDenseOnly(Network network)
    {
        var layers = network.Layers;
        for (int l = 0; l < layers.Count; l++)   // not foreach: its enumerator would be allocated on every call
        {
            if (layers[l] is not (DenseLayer or DropoutLayer))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A layer that is not dense runs its own inference pass over contiguous columns.</summary>
    private static unsafe void InferLayer(Network network, Layer layer, float* input, int columns, float* output)
    {
        var buffers = InferenceBuffers.Current;
        int scratchFloats = layer.InferenceScratchRows * columns;
        var scratch = new Span<float>(buffers.Get(3, scratchFloats), scratchFloats);
        layer.Infer(
            network.Backend,
            new ReadOnlySpan<float>(input, layer.InputSize * columns),
            new Span<float>(output, layer.OutputSize * columns),
            scratch,
            columns);
    }

    /// <summary>Layer <paramref name="index"/>'s weights in panels of <paramref name="height"/> rows, packed again only when their version changed.</summary>
    private PackedWeights Packed(int index, DenseLayer layer, GemmKernelKind kernel, int height)
    {
        // Two packings per layer: Mr-row panels (one example) and Nr-row panels (a batch); the same when Mr = Nr.
        int slot = (2 * index) + (height == ManagedComputeBackend.TileOf(kernel).Mr ? 0 : 1);
        var cache = Volatile.Read(ref _layers);
        while (slot >= cache.Length)
        {
            var grown = new PackedLayer?[2 * Math.Max(index + 1, layer.Owner?.Layers.Count ?? 0)];
            Array.Copy(cache, grown, Math.Min(cache.Length, grown.Length));
            Interlocked.CompareExchange(ref _layers, grown, cache);
            cache = Volatile.Read(ref _layers);
        }

        var entry = Volatile.Read(ref cache[slot]);
        int weightVersion = layer.Weight.Version;
        int biasVersion = layer.Bias.Version;
        if (entry is null || entry.Layer != layer || entry.Weights.Height != height || !entry.Weights.Matches(kernel, weightVersion, biasVersion))
        {
            var weights = PackedWeights.Pack(
                kernel, height, layer.Weight.Data, layer.OutputSize, layer.InputSize, layer.Bias.Data, weightVersion, biasVersion);
            entry = new PackedLayer(layer, weights);
            Volatile.Write(ref cache[slot], entry);
        }

        return entry.Weights;
    }

    /// <summary>A large batch cut into <see cref="BatchSlices"/>; each slice runs <see cref="RunBatch"/> on one thread.</summary>
    private readonly unsafe struct ExampleSlices(InferencePlan plan, Network network, GemmKernelKind kernel, float* x, int columns, float* output)
    {
        private readonly BatchSlices _slices = new(columns, LargeBatchSlice);

        public int Count => _slices.Count;

        /// <summary>
        /// Runs slices <paramref name="first"/> .. <paramref name="end"/> − 1, upwards or downwards; false when one
        /// of them holds NaN or ±∞ (the rest are skipped).
        /// </summary>
        public bool Run(int first, int end, bool upwards)
        {
            for (int i = 0; i < end - first; i++)
            {
                int slice = upwards ? first + i : end - 1 - i;

                // The slice this thread runs next (the caller claims upwards, a worker downwards): its examples are
                // fetched into L2 while this one computes, so that its input check does not wait on memory.
                int next = upwards ? slice + 1 : slice - 1;
                float* prefetch = null;
                int prefetchFloats = 0;
                if (next >= 0 && next < Count)
                {
                    var (nextFirst, nextCount) = _slices.Bounds(next);
                    prefetch = x + ((nint)nextFirst * network.InputSize);
                    prefetchFloats = nextCount * network.InputSize;
                }

                var (start, count) = _slices.Bounds(slice);
                if (!plan.RunBatch(
                    network, kernel, 1, x + ((nint)start * network.InputSize), count, output + ((nint)start * network.OutputSize), prefetch, prefetchFloats))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// The slices of one large batch as the pool's work: a part per slice, or per run of slices when there are
    /// more than the pool takes in one job. Guarded by the pool's lock.
    /// </summary>
    private sealed class SlicesJob : IParallelWork
    {
        private const int MaxParts = 4096;

        private ExampleSlices _slices;
        private int _nonFinite;

        public int Parts { get; private set; }

        /// <summary>False when a slice found NaN or ±∞ in its examples (the slices after it are skipped).</summary>
        public bool AllFinite => Volatile.Read(ref _nonFinite) == 0;

        public void Prepare(in ExampleSlices slices)
        {
            _slices = slices;
            _nonFinite = 0;
            Parts = Math.Min(slices.Count, MaxParts);
        }

        public void Clear() => _slices = default;

        public void Execute(int part)
        {
            int first = (int)((long)_slices.Count * part / Parts);
            int end = (int)((long)_slices.Count * (part + 1) / Parts);
            if (AllFinite && !_slices.Run(first, end, upwards: !GemmWorkerPool.IsWorkerThread))
            {
                Volatile.Write(ref _nonFinite, 1);
            }
        }
    }

    /// <summary>A layer and its packing (the layer is kept to notice a layer replaced by another of the same shape).</summary>
    private sealed record PackedLayer(DenseLayer Layer, PackedWeights Weights);
}
