using System.Text;

namespace TransferLearning.Serialization;

/// <summary>
/// What loading a file into an existing network did, tensor by tensor: PyTorch's
/// <c>load_state_dict(strict=False)</c> made explicit.
/// </summary>
public sealed class LoadReport
{
    /// <summary>Gets the network's parameters that took their values from the file.</summary>
    public required IReadOnlyList<string> Loaded { get; init; }

    /// <summary>Gets the file's tensors that were not loaded, each with the reason (no such parameter, or another shape).</summary>
    public required IReadOnlyList<SkippedTensor> Skipped { get; init; }

    /// <summary>Gets the network's parameters the file had nothing for: they keep their own (random) initial values.</summary>
    public required IReadOnlyList<string> NewlyInitialized { get; init; }

    /// <summary>Gets a value indicating whether every parameter was loaded and every tensor used.</summary>
    public bool IsComplete => Skipped.Count == 0 && NewlyInitialized.Count == 0;

    /// <summary>Returns the three lists, one line each.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Loaded: ").AppendJoin(", ", Loaded.DefaultIfEmpty("none")).AppendLine();
        sb.Append("Skipped: ").AppendJoin("; ", Skipped.Select(s => s.ToString()).DefaultIfEmpty("none")).AppendLine();
        sb.Append("Newly initialised: ").AppendJoin(", ", NewlyInitialized.DefaultIfEmpty("none"));
        return sb.ToString();
    }
}
