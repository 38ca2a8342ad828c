namespace TransferLearning.Serialization;

/// <summary>A tensor of a file that was not loaded, and why.</summary>
public sealed record SkippedTensor
{
    /// <summary>Gets the tensor's name in the file.</summary>
    public required string Name { get; init; }

    /// <summary>Gets why it was skipped, such as "shape [10, 64] in the file, [5, 64] in the network".</summary>
    public required string Reason { get; init; }

    /// <summary>Returns <c>name: reason</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name}: {Reason}";
}
