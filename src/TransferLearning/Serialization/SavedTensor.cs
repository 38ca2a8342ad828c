namespace TransferLearning.Serialization;

/// <summary>A float32 tensor to write: its name, its shape (outermost first) and its elements, row-major.</summary>
/// <param name="Name">The tensor's name, such as <c>layers.0.weight</c>.</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Values">The elements in row-major order; as many as the shape's product.</param>
internal sealed record SavedTensor(string Name, int[] Shape, float[] Values);
