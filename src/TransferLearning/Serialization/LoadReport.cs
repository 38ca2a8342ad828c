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

    /// <summary>
    /// Gets which parameter each of the file's keys went to, in the file's order (<c>"2.weight" → "layers.1.weight"</c>
    /// for a PyTorch <c>nn.Sequential</c>; the key itself for a file of this library). A batch-normalisation module's
    /// <c>num_batches_tracked</c> maps to <c>layers.{i}.num_batches_tracked</c>: checked (one non-negative I64) and
    /// used, but not kept, since this library's batch normalisation always has a momentum and so never needs the count.
    /// </summary>
    /// <value>The default is empty.</value>
    public IReadOnlyDictionary<string, string> Mapping { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether every parameter was loaded and every tensor used.</summary>
    public bool IsComplete => Skipped.Count == 0 && NewlyInitialized.Count == 0;

    /// <summary>
    /// Returns the three lists, one line each, after the mapping (<c>Mapping: 0.weight → layers.0.weight, …</c>) when a
    /// key differs from its parameter's name.
    /// </summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Mapping.Any(m => m.Key != m.Value))
        {
            sb.Append("Mapping: ").AppendJoin(", ", Mapping.Select(m => $"{m.Key} → {m.Value}")).AppendLine();
        }

        sb.Append("Loaded: ").AppendJoin(", ", Loaded.DefaultIfEmpty("none")).AppendLine();
        sb.Append("Skipped: ").AppendJoin("; ", Skipped.Select(s => s.ToString()).DefaultIfEmpty("none")).AppendLine();
        sb.Append("Newly initialised: ").AppendJoin(", ", NewlyInitialized.DefaultIfEmpty("none"));
        return sb.ToString();
    }
}
