using System.Globalization;

namespace TransferLearning;

/// <summary>Formatting in the invariant culture, so that reports read the same on every machine.</summary>
internal static class Invariant
{
    /// <summary>Formats an interpolated string with the invariant culture.</summary>
    public static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
