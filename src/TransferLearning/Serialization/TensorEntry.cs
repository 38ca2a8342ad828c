using System.Globalization;

namespace TransferLearning.Serialization;

/// <summary>One tensor as a checked safetensors header describes it: name, type, shape and byte range in the data section.</summary>
/// <param name="Name">The tensor's name, such as <c>layers.0.weight</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions, outermost first (row-major, as PyTorch writes them).</param>
/// <param name="Begin">The first byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
internal sealed record TensorEntry(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End)
{
    /// <summary>Gets the number of elements: the product of the dimensions (checked against the byte range when parsed).</summary>
    public int ElementCount => (int)((End - Begin) / DType.Size());

    /// <summary>Returns the shape as written in messages, such as <c>[10, 64]</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Formats a shape as <c>[10, 64]</c>.</summary>
    public static string FormatShape(IEnumerable<int> shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>Whether the shape equals <paramref name="expected"/>.</summary>
    public bool HasShape(ReadOnlySpan<int> expected) => Shape.AsSpan().SequenceEqual(expected);
}
