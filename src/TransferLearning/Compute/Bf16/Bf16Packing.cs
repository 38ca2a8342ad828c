using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TransferLearning.Compute.Bf16;

// Rounds float32 to bfloat16 and packs op(A) and op(B) into the k-pair-major panels Bf16MicroKernel reads: panels
// of `w` lines (w = Mr rows of op(A), or Nr columns of op(B)); per pair of k steps q, the panel holds w 32-bit
// words, line x's word being bf16(value at k = 2q) in its low half and bf16(value at k = 2q + 1) in its high half;
// an odd last step's high half and the lines past the last are zero. The two source layouts are GemmPacking's:
// - "contiguous": element (line x, step p) is at s[p·ld + x];
// - "strided":    element (line x, step p) is at s[x·ld + p].
internal static unsafe class Bf16Packing
{
    /// <summary>The bfloat16 nearest <paramref name="value"/> (ties to even), as its 16 bits; NaN stays a (quiet) NaN, beyond the largest bfloat16 rounds to ±∞.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits | 0x0040_0000u) >> 16);
        }

        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>The float32 whose value the bfloat16 <paramref name="bits"/> holds (exact).</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    // op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of Bf16MicroKernel.Mr rows.
    public static void PackA(bool transposeA, float* a, nint lda, int i0, int mc, int p0, int kc, uint* dst)
    {
        if (transposeA)
        {
            PackStrided(a, lda, i0, mc, p0, kc, Bf16MicroKernel.Mr, dst);
        }
        else
        {
            PackContiguous(a, lda, i0, mc, p0, kc, Bf16MicroKernel.Mr, dst);
        }
    }

    // op(B)[p0 .. p0+kc, j0 .. j0+nc] into panels of Bf16MicroKernel.Nr columns.
    public static void PackB(bool transposeB, float* b, nint ldb, int p0, int kc, int j0, int nc, uint* dst)
    {
        if (transposeB)
        {
            PackContiguous(b, ldb, j0, nc, p0, kc, Bf16MicroKernel.Nr, dst);
        }
        else
        {
            PackStrided(b, ldb, j0, nc, p0, kc, Bf16MicroKernel.Nr, dst);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Pair(float low, float high) => ToBFloat16(low) | ((uint)ToBFloat16(high) << 16);

    // The rounded 32-bit patterns: each lane's high 16 bits are its bfloat16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Rounded(Vector512<float> x)
    {
        Vector512<uint> bits = x.AsUInt32();
        Vector512<uint> rounded = bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One);
        Vector512<uint> nan = ~Vector512.Equals(x, x).AsUInt32();
        return Vector512.ConditionalSelect(nan, bits | Vector512.Create(0x0040_0000u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rounded(Vector256<float> x)
    {
        Vector256<uint> bits = x.AsUInt32();
        Vector256<uint> rounded = bits + Vector256.Create(0x7FFFu) + ((bits >> 16) & Vector256<uint>.One);
        Vector256<uint> nan = ~Vector256.Equals(x, x).AsUInt32();
        return Vector256.ConditionalSelect(nan, bits | Vector256.Create(0x0040_0000u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackContiguous(float* s, nint ld, int x0, int xc, int p0, int kc, int w, uint* dst)
    {
        int pairs = (kc + 1) / 2;
        var highHalf = Vector512.Create(0xFFFF_0000u);
        for (int x = 0; x < xc; x += w)
        {
            int width = Math.Min(w, xc - x);
            for (int q = 0; q < pairs; q++)
            {
                float* low = s + ((nint)(p0 + (2 * q)) * ld) + x0 + x;
                bool hasHigh = (2 * q) + 1 < kc;
                float* high = low + ld;
                int e = 0;
                for (; e + 16 <= width; e += 16)
                {
                    Vector512<uint> word = Rounded(Vector512.Load(low + e)) >> 16;
                    if (hasHigh)
                    {
                        word |= Rounded(Vector512.Load(high + e)) & highHalf;
                    }

                    word.Store(dst + e);
                }

                for (; e + 8 <= width; e += 8)
                {
                    Vector256<uint> word = Rounded(Vector256.Load(low + e)) >> 16;
                    if (hasHigh)
                    {
                        word |= Rounded(Vector256.Load(high + e)) & Vector256.Create(0xFFFF_0000u);
                    }

                    word.Store(dst + e);
                }

                for (; e < width; e++)
                {
                    dst[e] = Pair(low[e], hasHigh ? high[e] : 0f);
                }

                for (; e < w; e++)
                {
                    dst[e] = 0;
                }

                dst += w;
            }
        }
    }

    // Each line's steps are contiguous. Sixteen lines at a time: 32 floats (16 pairs) of each line are rounded and
    // their high halves gathered into 16 words (VPERMT2W), then the 16 × 16 words are transposed (four rounds of
    // VPERMT2D) so that each pair's 16 words are stored at once. Lines and pairs past the last whole group, one by one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackStrided(float* s, nint ld, int x0, int xc, int p0, int kc, int w, uint* dst)
    {
        int pairs = (kc + 1) / 2;
        int vectorPairs = kc / 32 * 16;
        int vectorLines = xc / 16 * 16;
        nint panelWords = (nint)pairs * w;
        var oddWords = Vector512.Create(
            (ushort)1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31,
            33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63);
        Vector512<uint>* rows = stackalloc Vector512<uint>[16];
        for (int line = 0; line < vectorLines; line += 16)
        {
            for (int q = 0; q < vectorPairs; q += 16)
            {
                for (int i = 0; i < 16; i++)
                {
                    float* src = s + ((nint)(x0 + line + i) * ld) + p0 + (2 * q);
                    rows[i] = Avx512BW.PermuteVar32x16x2(
                        Rounded(Vector512.Load(src)).AsUInt16(), oddWords, Rounded(Vector512.Load(src + 16)).AsUInt16()).AsUInt32();
                }

                Transpose16(rows);
                for (int t = 0; t < 16; t++)
                {
                    uint* first = dst + ((line / w) * panelWords) + ((nint)(q + t) * w) + (line % w);
                    if (w >= 16)
                    {
                        rows[t].Store(first);
                    }
                    else
                    {
                        // w = 8: the 16 lines are two panels.
                        rows[t].GetLower().Store(first);
                        rows[t].GetUpper().Store(first + panelWords);
                    }
                }
            }
        }

        for (int line = 0; line < xc; line++)
        {
            float* src = s + ((nint)(x0 + line) * ld) + p0;
            uint* column = dst + ((line / w) * panelWords) + (line % w);
            for (int q = line < vectorLines ? vectorPairs : 0; q < pairs; q++)
            {
                column[(nint)q * w] = Pair(src[2 * q], (2 * q) + 1 < kc ? src[(2 * q) + 1] : 0f);
            }
        }

        for (int line = xc; line % w != 0; line++)
        {
            uint* column = dst + ((line / w) * panelWords) + (line % w);
            for (int q = 0; q < pairs; q++)
            {
                column[(nint)q * w] = 0;
            }
        }
    }

    // rows[r][t] ← rows[t][r]: four rounds, each exchanging blocks of 8, 4, 2, then 1 words between rows r and r + s.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(Vector512<uint>* rows)
    {
        Exchange(rows, 8, Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), Vector512.Create(8u, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31));
        Exchange(rows, 4, Vector512.Create(0u, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27), Vector512.Create(4u, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31));
        Exchange(rows, 2, Vector512.Create(0u, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29), Vector512.Create(2u, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31));
        Exchange(rows, 1, Vector512.Create(0u, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30), Vector512.Create(1u, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange(Vector512<uint>* rows, int s, Vector512<uint> low, Vector512<uint> high)
    {
        for (int r = 0; r < 16; r++)
        {
            if ((r & s) == 0)
            {
                Vector512<uint> a = rows[r];
                Vector512<uint> b = rows[r + s];
                rows[r] = Avx512F.PermuteVar16x32x2(a, low, b);
                rows[r + s] = Avx512F.PermuteVar16x32x2(a, high, b);
            }
        }
    }
}
