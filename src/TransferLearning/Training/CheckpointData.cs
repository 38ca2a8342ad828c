using System.Globalization;
using TransferLearning.Networks;
using TransferLearning.Serialization;

namespace TransferLearning.Training;

/// <summary>What a training checkpoint is being written from: metadata strings and float32 tensors (one-dimensional, the values as they are stored).</summary>
internal sealed class CheckpointWriter
{
    /// <summary>Gets the metadata strings.</summary>
    public MetadataWriter Metadata { get; } = new();

    /// <summary>Gets the tensors, in the order they were added.</summary>
    public List<SavedTensor> Tensors { get; } = [];

    /// <summary>Adds a copy of <paramref name="values"/> as tensor <paramref name="name"/>.</summary>
    public void Tensor(string name, ReadOnlySpan<float> values) => Tensors.Add(new SavedTensor(name, [values.Length], values.ToArray()));
}

/// <summary>A training checkpoint read from a file: typed metadata and the tensors, each checked for its length when taken.</summary>
internal sealed class CheckpointReader(MetadataReader metadata, IReadOnlyDictionary<string, float[]> tensors)
{
    /// <summary>Gets the metadata.</summary>
    public MetadataReader Metadata { get; } = metadata;

    /// <summary>Gets the file's path, for messages.</summary>
    public string Path => Metadata.Path;

    /// <summary>Returns tensor <paramref name="name"/>, which must hold <paramref name="length"/> values.</summary>
    /// <exception cref="ModelFormatException">It is missing or of another length.</exception>
    public float[] Tensor(string name, int length)
    {
        if (!tensors.TryGetValue(name, out var values))
        {
            throw Metadata.Error($"the checkpoint has no tensor '{name}'.");
        }

        if (values.Length != length)
        {
            throw Metadata.Error(Invariant.F($"tensor '{name}' has {values.Length} values; expected {length}."));
        }

        return values;
    }

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="parameter"/> and marks it changed.</summary>
    public void CopyTo(string name, Parameter parameter)
    {
        Tensor(name, parameter.Length).CopyTo(parameter.Data, 0);
        parameter.MarkChanged();
    }

    /// <summary>Returns the 64-bit words written as a comma-separated list under <paramref name="key"/>.</summary>
    /// <exception cref="ModelFormatException">A word does not parse.</exception>
    public ulong[] Words(string key)
    {
        string text = Metadata.String(key);
        var parts = text.Split(',');
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out words[i]))
            {
                throw Metadata.Error($"metadata '{key}' is '{text}'; expected unsigned integers separated by commas.");
            }
        }

        return words;
    }
}
