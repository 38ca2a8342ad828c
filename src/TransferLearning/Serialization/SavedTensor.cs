namespace TransferLearning.Serialization;

/// <summary>A tensor to write: its name, its shape (outermost first) and its elements, row-major — float32, or I64 when <see cref="Int64Values"/> is set.</summary>
/// <param name="Name">The tensor's name, such as <c>layers.0.weight</c>.</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Values">The float32 elements in row-major order; as many as the shape's product (empty for an I64 tensor).</param>
internal sealed record SavedTensor(string Name, int[] Shape, float[] Values)
{
    /// <summary>Gets the I64 elements, row-major, of an integer tensor (PyTorch's <c>num_batches_tracked</c>), or <see langword="null"/> for a float32 one.</summary>
    public long[]? Int64Values { get; private init; }

    /// <summary>Gets the element type.</summary>
    public SafeTensorsDType DType => Int64Values is null ? SafeTensorsDType.F32 : SafeTensorsDType.I64;

    /// <summary>Gets the size of the data in bytes.</summary>
    public long ByteCount => Int64Values is { } integers ? (long)integers.Length * sizeof(long) : (long)Values.Length * sizeof(float);

    /// <summary>An I64 tensor.</summary>
    public static SavedTensor Int64(string name, int[] shape, long[] values) => new(name, shape, []) { Int64Values = values };
}
