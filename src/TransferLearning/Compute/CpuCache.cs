using System.Globalization;

namespace TransferLearning.Compute;

// The size of this CPU's L1 data cache, for the kernels that block their weights to stay in it. .NET does not
// expose it; on Linux the kernel lists every cache of cpu0 under /sys/devices/system/cpu/cpu0/cache/index*/ (level,
// type and a size such as "32K"). Elsewhere, or when that cannot be read, the caller's fallback.
internal static class CpuCache
{
    private const string CacheFolder = "/sys/devices/system/cpu/cpu0/cache";

    private static readonly Lazy<int?> LazyL1Data = new(() => ReadL1Data(CacheFolder));

    // Bytes of L1 data cache per core, or `fallback` when unknown.
    public static int L1DataBytes(int fallback) => LazyL1Data.Value ?? fallback;

    // The L1 data cache listed under `folder` (a /sys cache folder), or null.
    internal static int? ReadL1Data(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return null;
            }

            foreach (string index in Directory.EnumerateDirectories(folder, "index*"))
            {
                if (Read(index, "level") == "1" && Read(index, "type") == "Data" && ParseSize(Read(index, "size")) is int bytes)
                {
                    return bytes;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    // "32K" → 32,768; "1M" → 1,048,576; a plain number of bytes; null when not a positive size.
    internal static int? ParseSize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        int unit = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024,
            'M' => 1024 * 1024,
            _ => 1,
        };
        string digits = unit == 1 ? text : text[..^1];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= int.MaxValue / unit
            ? value * unit
            : null;
    }

    private static string? Read(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
