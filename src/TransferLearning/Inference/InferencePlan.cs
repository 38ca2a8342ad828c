using TransferLearning.Compute;
using TransferLearning.Networks;

namespace TransferLearning.Inference;

/// <summary>
/// The one way a network is run for inference: every public prediction call and every internal consumer (the
/// evaluation, the frozen-feature cache, the Auto policy's hold-out scores, the advisor's features) goes
/// through <see cref="TryRun"/>, so that they give the same bits. Every affine layer's weights
/// (<see cref="IAffineLayer"/>) are packed once per weight version (re-packed only when training or
/// <see cref="Parameter.SetValues"/> changed them), then, per layer, one product on the packed panels with the
/// bias and a ReLU-family activation fused in, into per-thread scratch. One example: matrix–vector products;
/// up to <see cref="Network.SmallBatchLimit"/>: the small-batch products, each split between the cores (when
/// pairs of examples share enough zero inputs, the sparse products of <see cref="SparseBatchGemm"/>, on AVX-512 or
/// on AVX2 as the backend's kernel is); more: slices of examples, each on one core.
/// </summary>
/// <remarks>
/// <para>
/// The kernels run on the managed micro-kernel of the network's backend, or on the best managed kernel here for
/// any other backend (native BLAS): inference does not go through <see cref="ComputeBackend"/>, whose products
/// serve training.
/// </para>
/// <para>
/// Safe from any number of threads at once: the packings are immutable and published whole (two threads that
/// find a layer stale may both pack it; one packing wins), and the scratch is per thread.
/// </para>
/// </remarks>
internal sealed partial class InferencePlan(Network network)
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

    /// <summary>
    /// <c>output ← A[end-1]</c>, layers <c>[first, end)</c> applied to <paramref name="columns"/> examples of
    /// <paramref name="x"/> (each contiguous, <c>InputRowsOf(first)</c> values), as at inference: a layer that
    /// is the identity at inference (dropout) is skipped, and any layer that is not affine (batch normalisation,
    /// with its running statistics) runs its own <see cref="Layer.Infer"/> on column-major examples. Layers
    /// <c>[0, k)</c> give the features at layer <c>k</c>; <c>end ≤ first</c> copies <paramref name="x"/>.
    /// </summary>
    /// <param name="x">The examples, <c>columns · InputRowsOf(first)</c> values.</param>
    /// <param name="columns">The number of examples, at least 1.</param>
    /// <param name="first">The first layer to run.</param>
    /// <param name="end">One past the last layer to run.</param>
    /// <param name="output">Receives <c>columns · n[end-1]</c> values, example after example.</param>
    /// <param name="preActivation">
    /// Empty, or it receives the last layer's pre-activation <c>Z = W·A_prev + b</c> (example after example), taken
    /// from the same product as <paramref name="output"/> before its activation is applied, so the outputs are
    /// the same bits as without it. The last layer must then be affine with an activation the products do not
    /// apply (<see cref="Activation.IsAppliedByProducts"/> false: softmax, sigmoid, tanh), which are the output
    /// activations whose losses read <c>Z</c>.
    /// </param>
    /// <returns>
    /// False when <paramref name="x"/> holds NaN or ±∞ (<paramref name="output"/> is then unspecified). A large batch
    /// is checked slice by slice, just before each slice is packed for the kernels: the check reads the slice into
    /// cache in one sequential pass, and the packing finds it there (checking the whole batch first made W3 5 %
    /// slower, the packing then reading a batch the check had pushed out of L2). A batch on the sparse path is
    /// checked by its first product, which reads every input anyway. Values that overflow inside the network are
    /// not checked here.
    /// </returns>
    public unsafe bool TryRun(ReadOnlySpan<float> x, int columns, int first, int end, Span<float> output, Span<float> preActivation = default)
    {
        var layers = network.Layers;
        TestHooks.CountPasses(layers, first, end);
        if (end <= first)
        {
            x.CopyTo(output);
            return Guard.IsAllFinite(x);
        }

        if (!preActivation.IsEmpty && layers[end - 1] is not IAffineLayer { Activation.IsAppliedByProducts: false })
        {
            throw new InvalidOperationException(
                $"Expected an affine last layer whose activation the products do not apply to read its pre-activation, but layer {end - 1} is {layers[end - 1]}.");
        }

        var range = new LayerRange(first, end, network.InputRowsOf(first), layers[end - 1].OutputSize);
        var (kernel, threads) = KernelOf(network.TrainingBackend);
        fixed (float* px = x)
        fixed (float* po = output)
        fixed (float* pz = preActivation)
        {
            if (columns == 1)
            {
                if (!Guard.IsAllFinite(x))
                {
                    return false;
                }

                RunOne(range, kernel, threads, px, po, pz);
                return true;
            }

            return columns <= Network.SmallBatchLimit
                ? RunBatch(range, kernel, threads, px, columns, po, pz)
                : RunLarge(range, kernel, threads, px, columns, po, pz);
        }
    }

    /// <summary>
    /// As <see cref="TryRun"/>, for inputs that were checked when they were made (a data set's features): throws
    /// <see cref="ArgumentException"/> naming <paramref name="paramName"/> and the first value that is not finite.
    /// </summary>
    public void Run(ReadOnlySpan<float> x, int columns, int first, int end, Span<float> output, string paramName, Span<float> preActivation = default)
    {
        if (!TryRun(x, columns, first, end, output, preActivation))
        {
            Guard.AllFiniteExamples(x, paramName, network.InputRowsOf(first));
            throw new ArgumentException(
                "Expected only finite values, but a value was NaN or ∞ when the inference read it and is finite now: the inputs changed during the call.", paramName);
        }
    }

    /// <summary>
    /// More than <see cref="Network.SmallBatchLimit"/> examples: slices of up to <see cref="LargeBatchSlice"/>
    /// examples (<see cref="BatchSlices"/>), each through every layer on one thread (<see cref="RunBatch"/>), the
    /// slices claimed by this thread and the worker pool. Splitting the examples rather than each product leaves no
    /// hand-off between layers: split product by product (two hand-offs per slice), a batch of 1,000 ran 1.6 times
    /// faster on two threads than on one; split by examples, 1.95 times.
    /// </summary>
    private unsafe bool RunLarge(in LayerRange range, GemmKernelKind kernel, int threads, float* x, int columns, float* output, float* z)
    {
        var slices = new ExampleSlices(this, range, kernel, x, columns, output, z);
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

    /// <summary>Layer <paramref name="index"/>'s weights in panels of <paramref name="height"/> rows, packed again only when their version changed.</summary>
    private PackedWeights Packed(int index, IAffineLayer layer, GemmKernelKind kernel, int height)
    {
        // Two packings per layer: Mr-row panels (one example) and Nr-row panels (a batch); the same when Mr = Nr.
        int slot = (2 * index) + (height == ManagedComputeBackend.TileOf(kernel).Mr ? 0 : 1);
        var cache = Volatile.Read(ref _layers);
        while (slot >= cache.Length)
        {
            var grown = new PackedLayer?[2 * Math.Max(index + 1, network.Layers.Count)];
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

    /// <summary>
    /// The layers one run covers, <c>[First, End)</c>, with the rows of its input (<c>A[First-1]</c>) and of its
    /// output (<c>A[End-1]</c>) per example.
    /// </summary>
    private readonly record struct LayerRange(int First, int End, int InputRows, int OutputRows);

    /// <summary>A layer and its packing (the layer is kept to notice a layer replaced by another of the same shape).</summary>
    private sealed record PackedLayer(IAffineLayer Layer, PackedWeights Weights);
}
