namespace TransferLearning.Serialization;

/// <summary>A tensor of a file that was not loaded, and why.</summary>
/// <param name="Name">The tensor's name in the file.</param>
/// <param name="Reason">Why it was skipped, such as "shape [10, 64] in the file, [5, 64] in the network".</param>
public sealed record SkippedTensor(string Name, string Reason)
{
    /// <summary>Returns <c>name: reason</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name}: {Reason}";
}
