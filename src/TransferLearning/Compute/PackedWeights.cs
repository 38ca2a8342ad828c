namespace TransferLearning.Compute;

// A layer's W (rows × columns, column-major) and b in the layout the inference kernels read: row panels of
// Mr rows (the micro-kernel's tile height), each panel its columns one after another, Mr values per column,
// the last panel padded with zeros. This is the GEMM's packed-A layout with kc = every column, so a panel is
// one contiguous stream and each weight is read once per product. Packed once per weight version (the
// versions are kept here so the owner can tell when to pack again); immutable, so any number of threads may
// read it. Pinned on the pinned object heap and aligned to 64 bytes (the arrays are kept only to stay alive).
internal sealed unsafe class PackedWeights
{
    private readonly float[] _panelArray;
    private readonly float[] _biasArray;

    private PackedWeights(GemmKernelKind kernel, int mr, int rows, int columns, int weightVersion, int biasVersion)
    {
        Kernel = kernel;
        Mr = mr;
        Rows = rows;
        Columns = columns;
        PanelCount = (rows + mr - 1) / mr;
        WeightVersion = weightVersion;
        BiasVersion = biasVersion;
        Panels = GemmPackBuffers.Allocate(PanelCount * mr * columns, out _panelArray, out _);
        Bias = GemmPackBuffers.Allocate(PanelCount * mr, out _biasArray, out _);
    }

    public GemmKernelKind Kernel { get; }

    public int Mr { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int PanelCount { get; }

    // Rows rounded up to whole panels: the leading dimension of the outputs the kernels write.
    public int PaddedRows => PanelCount * Mr;

    public int WeightVersion { get; }

    public int BiasVersion { get; }

    // Panel p starts at Panels + p·Mr·Columns; column j of it at + j·Mr.
    public float* Panels { get; }

    // b, padded with zeros to PaddedRows.
    public float* Bias { get; }

    public static PackedWeights Pack(
        GemmKernelKind kernel, ReadOnlySpan<float> weight, int rows, int columns, ReadOnlySpan<float> bias, int weightVersion, int biasVersion)
    {
        int mr = ManagedComputeBackend.TileOf(kernel).Mr;
        var packed = new PackedWeights(kernel, mr, rows, columns, weightVersion, biasVersion);
        var panels = new Span<float>(packed.Panels, packed.PanelCount * mr * columns);
        for (int p = 0; p < packed.PanelCount; p++)
        {
            int first = p * mr;
            int height = Math.Min(mr, rows - first);
            var panel = panels.Slice(p * mr * columns, mr * columns);
            for (int j = 0; j < columns; j++)
            {
                weight.Slice((j * rows) + first, height).CopyTo(panel.Slice(j * mr, height));
            }
        }

        bias.CopyTo(new Span<float>(packed.Bias, rows));
        return packed;
    }

    // Tells whether this packing still holds the given weights.
    public bool Matches(GemmKernelKind kernel, int weightVersion, int biasVersion) =>
        Kernel == kernel && WeightVersion == weightVersion && BiasVersion == biasVersion;
}
