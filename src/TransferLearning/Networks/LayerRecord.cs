namespace TransferLearning.Networks;

/// <summary>
/// Where a layer kind writes its settings when a network is saved: strings under <c>layers.{i}.{key}</c> of the
/// file's metadata. The kind's parameters and buffers are written by name without its help
/// (<see cref="Layer.SavedTensors"/> gives their shapes). Implemented by the file format (Serialization), so that
/// a kind knows nothing of files.
/// </summary>
internal abstract class LayerRecordWriter
{
    /// <summary>Sets a string.</summary>
    public abstract void Set(string key, string value);

    /// <summary>Sets an integer.</summary>
    public abstract void Set(string key, long value);

    /// <summary>Sets a float so that it reads back bit for bit.</summary>
    public abstract void Set(string key, float value);

    /// <summary>Sets a Boolean.</summary>
    public abstract void Set(string key, bool value);
}

/// <summary>
/// What a file holds for layer <see cref="Index"/>, as its kind reads it back (see <see cref="LayerKinds"/>):
/// checked access to its settings (a missing or malformed value is an error naming the file and the key) and
/// to its tensors by local name (<c>weight</c> for <c>layers.{i}.weight</c>).
/// </summary>
internal abstract class LayerRecordReader
{
    /// <summary>The most units (or inputs) a loaded layer may have.</summary>
    public const int MaxUnits = 1 << 28;

    /// <summary>Gets the index <c>l</c> of the layer.</summary>
    public abstract int Index { get; }

    /// <summary>Gets the number of layers the file lists.</summary>
    public abstract int LayerCount { get; }

    /// <summary>Gets <c>n[l-1]</c>, the number of inputs of the layer (the output size of the one below).</summary>
    public abstract int InputSize { get; }

    /// <summary>Whether the setting <paramref name="key"/> is present.</summary>
    public abstract bool Has(string key);

    /// <summary>Returns the string setting <paramref name="key"/>.</summary>
    public abstract string String(string key);

    /// <summary>Returns the integer setting <paramref name="key"/>, which must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public abstract int Int(string key, int min = int.MinValue, int max = int.MaxValue);

    /// <summary>Returns the finite float setting <paramref name="key"/>.</summary>
    public abstract float Float(string key);

    /// <summary>Returns the Boolean setting <paramref name="key"/>.</summary>
    public abstract bool Bool(string key);

    /// <summary>
    /// Declares that the layer has the tensor <paramref name="localName"/> of <paramref name="shape"/> (as the file
    /// stores it: <c>[n_out, n_in]</c> or <c>[n]</c>), checking now that the file holds it with that shape; the
    /// returned function reads its values, column-major, when the layer is built.
    /// </summary>
    public abstract Func<float[]> Tensor(string localName, params int[] shape);

    /// <summary>An error about this file (a <c>ModelFormatException</c> naming it) for the kind to throw.</summary>
    public abstract Exception Error(string problem);

    /// <summary>Gets the full key of a setting of this layer, for messages: <c>layers.{i}.{key}</c>.</summary>
    public string KeyOf(string key) => Invariant.F($"layers.{Index}.{key}");
}
