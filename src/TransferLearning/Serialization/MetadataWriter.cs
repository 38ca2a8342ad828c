using System.Globalization;

namespace TransferLearning.Serialization;

/// <summary>Collects the <c>__metadata__</c> strings of a file, formatting numbers with the invariant culture so that they read back exactly.</summary>
internal sealed class MetadataWriter
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Gets the strings collected so far.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Sets a string.</summary>
    public void Set(string key, string value) => _values[key] = value;

    /// <summary>Sets an integer.</summary>
    public void Set(string key, long value) => _values[key] = value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets a double so that it reads back bit for bit.</summary>
    public void Set(string key, double value) => _values[key] = value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Sets a float so that it reads back bit for bit.</summary>
    public void Set(string key, float value) => _values[key] = value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Sets a Boolean as <c>true</c> or <c>false</c>.</summary>
    public void Set(string key, bool value) => _values[key] = value ? "true" : "false";

    /// <summary>Sets a list of strings as <c>key.count</c> and <c>key.0</c>, <c>key.1</c>, ….</summary>
    public void SetList(string key, IReadOnlyList<string> values)
    {
        Set(key + ".count", values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            Set(string.Create(CultureInfo.InvariantCulture, $"{key}.{i}"), values[i]);
        }
    }
}
