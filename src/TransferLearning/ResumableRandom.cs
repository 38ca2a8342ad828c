using System.Numerics;

namespace TransferLearning;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna), seeded through splitmix64 exactly as MathNet's <c>Xoshiro256StarStar(int)</c>
/// so that it draws the same sequence, but with its 256-bit state readable and writable: a training checkpoint saves
/// where a dropout layer's mask sequence stands, and a resumed run goes on from there.
/// </summary>
internal sealed class ResumableRandom
{
    private const double Unit = 1.0 / (1UL << 53);
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the generator: the four state words are splitmix64's first four outputs from <paramref name="seed"/>.</summary>
    public ResumableRandom(int seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Gets or sets the four state words (a state of all zeros is refused: the generator would only draw zeros).</summary>
    /// <exception cref="ArgumentException">Set to other than four words, or to all zeros.</exception>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 4 || (value[0] | value[1] | value[2] | value[3]) == 0)
            {
                throw new ArgumentException(Invariant.F($"Expected four state words, not all zero, but got {value.Length}."), nameof(value));
            }

            (_s0, _s1, _s2, _s3) = (value[0], value[1], value[2], value[3]);
        }
    }

    /// <summary>A double in [0, 1): the top 53 bits of the next output, times 2⁻⁵³.</summary>
    public double NextDouble() => (Next() >> 11) * Unit;

    private ulong Next()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
