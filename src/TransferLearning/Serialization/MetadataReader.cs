using System.Globalization;

namespace TransferLearning.Serialization;

/// <summary>
/// Typed, checked access to a file's <c>__metadata__</c> strings: a missing key or a value that does not parse
/// is a <see cref="ModelFormatException"/> naming the file, the key and the value.
/// </summary>
internal sealed class MetadataReader(string path, IReadOnlyDictionary<string, string> values)
{
    /// <summary>The most items a list in the metadata may have.</summary>
    public const int MaxListCount = 1_000_000;

    /// <summary>Gets the file's path, for messages.</summary>
    public string Path { get; } = path;

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>Returns the string at <paramref name="key"/>.</summary>
    public string String(string key) =>
        values.TryGetValue(key, out var value) ? value : throw Error($"the metadata has no '{key}'.");

    /// <summary>Returns the integer at <paramref name="key"/>, which must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long Integer(string key, long min, long max)
    {
        string text = String(key);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw Error($"metadata '{key}' is '{text}'; expected an integer in [{min}, {max}].");
        }

        return value;
    }

    /// <summary>Returns the int at <paramref name="key"/>, which must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(string key, int min = int.MinValue, int max = int.MaxValue) => (int)Integer(key, min, max);

    /// <summary>Returns the double at <paramref name="key"/>, finite unless <paramref name="allowNonFinite"/>.</summary>
    public double Double(string key, bool allowNonFinite = false)
    {
        string text = String(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || (!allowNonFinite && !double.IsFinite(value)))
        {
            throw Error($"metadata '{key}' is '{text}'; expected a finite number.");
        }

        return value;
    }

    /// <summary>Returns the finite float at <paramref name="key"/>.</summary>
    public float Float(string key)
    {
        string text = String(key);
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
        {
            throw Error($"metadata '{key}' is '{text}'; expected a finite number.");
        }

        return value;
    }

    /// <summary>Returns the Boolean at <paramref name="key"/> (<c>true</c> or <c>false</c>).</summary>
    public bool Bool(string key) => String(key) switch
    {
        "true" => true,
        "false" => false,
        var text => throw Error($"metadata '{key}' is '{text}'; expected true or false."),
    };

    /// <summary>Returns the list written by <see cref="MetadataWriter.SetList"/> under <paramref name="key"/>.</summary>
    public IReadOnlyList<string> List(string key)
    {
        int count = Int(key + ".count", 0, Math.Min(MaxListCount, values.Count));
        var list = new string[count];
        for (int i = 0; i < count; i++)
        {
            list[i] = String(string.Create(CultureInfo.InvariantCulture, $"{key}.{i}"));
        }

        return list;
    }

    /// <summary>A <see cref="ModelFormatException"/> about this file.</summary>
    public ModelFormatException Error(string problem) => new(Path, problem);
}
