using TransferLearning.Compute;

namespace TransferLearning.Inference;

// A layer's W (rows × columns, column-major) and b in the layout the inference kernels read: panels of
// `Height` rows of W, each panel its columns one after another, Height values per column, the last panel padded
// with zeros, so that a panel is one contiguous stream and each weight is read once per product. With Height =
// the micro-kernel's Mr this is the GEMM's packed A (kc = every column), which the matrix–vector product reads;
// with Height = Nr it is the packed B of Wᵀ, which the small-batch product Yᵀ = Xᵀ·Wᵀ reads. Packed once per weight version (the
// versions are kept here so the owner can tell when to pack again); immutable, so any number of threads may
// read it. Pinned on the pinned object heap and aligned to 64 bytes (the arrays are kept only to stay alive).
internal sealed unsafe class PackedWeights
{
    private readonly float[] _panelArray;
    private readonly float[] _biasArray;

    private PackedWeights(GemmKernelKind kernel, int height, int rows, int columns, int weightVersion, int biasVersion)
    {
        Kernel = kernel;
        Height = height;
        Rows = rows;
        Columns = columns;
        PanelCount = (rows + height - 1) / height;
        WeightVersion = weightVersion;
        BiasVersion = biasVersion;
        Panels = GemmPackBuffers.Allocate(PanelCount * height * columns, out _panelArray, out _);
        Bias = GemmPackBuffers.Allocate(PanelCount * height, out _biasArray, out _);
    }

    public GemmKernelKind Kernel { get; }

    // Rows of W per panel: the micro-kernel's Mr or Nr.
    public int Height { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int PanelCount { get; }

    // Rows rounded up to whole panels: the leading dimension of the outputs the kernels write.
    public int PaddedRows => PanelCount * Height;

    public int WeightVersion { get; }

    public int BiasVersion { get; }

    // Panel p starts at Panels + p·Height·Columns; column j of it at + j·Height.
    public float* Panels { get; }

    // b, padded with zeros to PaddedRows.
    public float* Bias { get; }

    public static PackedWeights Pack(
        GemmKernelKind kernel, int height, ReadOnlySpan<float> weight, int rows, int columns, ReadOnlySpan<float> bias, int weightVersion, int biasVersion)
    {
        var packed = new PackedWeights(kernel, height, rows, columns, weightVersion, biasVersion);
        var panels = new Span<float>(packed.Panels, packed.PanelCount * height * columns);
        panels.Clear();
        new Span<float>(packed.Bias, packed.PaddedRows).Clear();
        for (int p = 0; p < packed.PanelCount; p++)
        {
            int first = p * height;
            int count = Math.Min(height, rows - first);
            var panel = panels.Slice(p * height * columns, height * columns);
            for (int j = 0; j < columns; j++)
            {
                weight.Slice((j * rows) + first, count).CopyTo(panel.Slice(j * height, count));
            }
        }

        bias.CopyTo(new Span<float>(packed.Bias, rows));
        return packed;
    }

    // Tells whether this packing still holds the given weights.
    public bool Matches(GemmKernelKind kernel, int weightVersion, int biasVersion) =>
        Kernel == kernel && WeightVersion == weightVersion && BiasVersion == biasVersion;
}
