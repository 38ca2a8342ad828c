using System.Globalization;
using System.Numerics.Tensors;

namespace TransferLearning;

/// <summary>Argument checks that name the argument, the expected and the actual value.</summary>
internal static class Guard
{
    /// <summary>Throws when any value is NaN or ±∞, naming the first offending index.</summary>
    public static void AllFinite(ReadOnlySpan<float> values, string paramName, int rows = 0)
    {
        if (IsAllFinite(values))
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                string where = rows > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"row {i % rows}, column {i / rows}")
                    : string.Create(CultureInfo.InvariantCulture, $"index {i}");
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Expected only finite values but found {values[i]} at {where}."),
                    paramName);
            }
        }
    }

    /// <summary>
    /// Throws when any value of a column-major <c>n × m</c> block of examples (<paramref name="perExample"/>
    /// values per example) is NaN or ±∞, naming it as the user gave it: "example j, feature i".
    /// </summary>
    public static void AllFiniteExamples(ReadOnlySpan<float> values, string paramName, int perExample, string valueKind = "feature")
    {
        if (IsAllFinite(values))
        {
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Expected only finite values but found {values[i]} at example {i / perExample}, {valueKind} {i % perExample}."),
                    paramName);
            }
        }
    }

    /// <summary>Returns true when every value is finite.</summary>
    public static bool IsAllFinite(ReadOnlySpan<float> values) =>
        // MaxMagnitude propagates NaN and returns ∞ when any value is infinite: one vectorised pass.
        values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values));

    public static void Positive(float value, string paramName)
    {
        if (!(value > 0) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value greater than 0 but got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void NonNegative(float value, string paramName)
    {
        if (!(value >= 0) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value of at least 0 but got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void InRange(float value, float minInclusive, float maxExclusive, string paramName)
    {
        if (!(value >= minInclusive && value < maxExclusive))
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                value,
                string.Create(CultureInfo.InvariantCulture, $"Expected a value in [{minInclusive}, {maxExclusive}) but got {value}."));
        }
    }

    public static void Positive(double value, string paramName)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value greater than 0 but got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void NonNegative(double value, string paramName)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value of at least 0 but got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public static void Fraction(double value, string paramName)
    {
        if (!(value > 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(
                paramName, value, string.Create(CultureInfo.InvariantCulture, $"Expected a fraction in (0, 1) but got {value}."));
        }
    }

    public static void AtLeast(int value, int min, string paramName)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(
                paramName, value, string.Create(CultureInfo.InvariantCulture, $"Expected a value of at least {min} but got {value}."));
        }
    }
}
