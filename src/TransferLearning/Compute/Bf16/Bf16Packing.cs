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

    // Pair by pair, every panel at once: the two source rows of a pair are read from end to end, and each panel's
    // words are written where that pair's go (w = 32: two 16-word vectors a panel; w = 8: one 8-word vector).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackContiguous(float* s, nint ld, int x0, int xc, int p0, int kc, int w, uint* dst)
    {
        int pairs = (kc + 1) / 2;
        nint panelWords = (nint)pairs * w;
        int wholeLines = xc / w * w;
        for (int q = 0; q < pairs; q++)
        {
            float* low = s + ((nint)(p0 + (2 * q)) * ld) + x0;
            bool hasHigh = (2 * q) + 1 < kc;
            float* high = low + ld;
            uint* panel = dst + ((nint)q * w);
            int x = 0;
            if (w == 32)
            {
                for (; x < wholeLines; x += 32, panel += panelWords)
                {
                    Word16(low + x, high + x, hasHigh).Store(panel);
                    Word16(low + x + 16, high + x + 16, hasHigh).Store(panel + 16);
                }
            }
            else if (w == 8)
            {
                for (; x < wholeLines; x += 8, panel += panelWords)
                {
                    Vector256<uint> word = Rounded(Vector256.Load(low + x)) >> 16;
                    if (hasHigh)
                    {
                        word |= Rounded(Vector256.Load(high + x)) & Vector256.Create(0xFFFF_0000u);
                    }

                    word.Store(panel);
                }
            }

            // The lines of a last partial panel (or of any panel, for another width), then its zero padding.
            for (; x < xc; x += w, panel += panelWords)
            {
                int width = Math.Min(w, xc - x);
                for (int e = 0; e < width; e++)
                {
                    panel[e] = Pair(low[x + e], hasHigh ? high[x + e] : 0f);
                }

                for (int e = width; e < w; e++)
                {
                    panel[e] = 0;
                }
            }
        }
    }

    // 16 words: bf16(low[e]) in the low halves, bf16(high[e]) (or 0) in the high halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Word16(float* low, float* high, bool hasHigh)
    {
        Vector512<uint> word = Rounded(Vector512.Load(low)) >> 16;
        return hasHigh ? word | (Rounded(Vector512.Load(high)) & Vector512.Create(0xFFFF_0000u)) : word;
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
        for (int line = 0; line < vectorLines; line += 16)
        {
            for (int q = 0; q < vectorPairs; q += 16)
            {
                uint* first = dst + ((line / w) * panelWords) + ((nint)q * w) + (line % w);
                Block16(s + ((nint)(x0 + line) * ld) + p0 + (2 * q), ld, first, w, w >= 16 ? 0 : panelWords);
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

    // Sixteen lines × sixteen pairs: line i's 32 floats at src + i·ld, rounded, their high halves gathered into 16 words
    // (VPERMT2W), transposed in four rounds that exchange blocks of 8, 4, 2, then 1 words between rows r and r + s
    // (VPERMT2D), and pair t's 16 words stored at dst + t·step, or, with split ≠ 0 (panels of 8 lines), the first 8 there
    // and the last 8 at dst + t·step + split. Written out in full: a loop over the rows kept them in memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block16(float* src, nint ld, uint* dst, nint step, nint split)
    {
        var oddWords = Vector512.Create(
            (ushort)1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31,
            33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63);
        Vector512<uint> r0 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (0 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (0 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r1 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (1 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (1 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r2 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (2 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (2 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r3 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (3 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (3 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r4 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (4 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (4 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r5 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (5 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (5 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r6 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (6 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (6 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r7 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (7 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (7 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r8 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (8 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (8 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r9 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (9 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (9 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r10 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (10 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (10 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r11 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (11 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (11 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r12 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (12 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (12 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r13 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (13 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (13 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r14 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (14 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (14 * ld) + 16)).AsUInt16()).AsUInt32();
        Vector512<uint> r15 = Avx512BW.PermuteVar32x16x2(Rounded(Vector512.Load(src + (15 * ld))).AsUInt16(), oddWords, Rounded(Vector512.Load(src + (15 * ld) + 16)).AsUInt16()).AsUInt32();
        var low8 = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        var high8 = Vector512.Create(8u, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        var low4 = Vector512.Create(0u, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        var high4 = Vector512.Create(4u, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        var low2 = Vector512.Create(0u, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        var high2 = Vector512.Create(2u, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        var low1 = Vector512.Create(0u, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        var high1 = Vector512.Create(1u, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        (r0, r8) = (Avx512F.PermuteVar16x32x2(r0, low8, r8), Avx512F.PermuteVar16x32x2(r0, high8, r8));
        (r1, r9) = (Avx512F.PermuteVar16x32x2(r1, low8, r9), Avx512F.PermuteVar16x32x2(r1, high8, r9));
        (r2, r10) = (Avx512F.PermuteVar16x32x2(r2, low8, r10), Avx512F.PermuteVar16x32x2(r2, high8, r10));
        (r3, r11) = (Avx512F.PermuteVar16x32x2(r3, low8, r11), Avx512F.PermuteVar16x32x2(r3, high8, r11));
        (r4, r12) = (Avx512F.PermuteVar16x32x2(r4, low8, r12), Avx512F.PermuteVar16x32x2(r4, high8, r12));
        (r5, r13) = (Avx512F.PermuteVar16x32x2(r5, low8, r13), Avx512F.PermuteVar16x32x2(r5, high8, r13));
        (r6, r14) = (Avx512F.PermuteVar16x32x2(r6, low8, r14), Avx512F.PermuteVar16x32x2(r6, high8, r14));
        (r7, r15) = (Avx512F.PermuteVar16x32x2(r7, low8, r15), Avx512F.PermuteVar16x32x2(r7, high8, r15));
        (r0, r4) = (Avx512F.PermuteVar16x32x2(r0, low4, r4), Avx512F.PermuteVar16x32x2(r0, high4, r4));
        (r1, r5) = (Avx512F.PermuteVar16x32x2(r1, low4, r5), Avx512F.PermuteVar16x32x2(r1, high4, r5));
        (r2, r6) = (Avx512F.PermuteVar16x32x2(r2, low4, r6), Avx512F.PermuteVar16x32x2(r2, high4, r6));
        (r3, r7) = (Avx512F.PermuteVar16x32x2(r3, low4, r7), Avx512F.PermuteVar16x32x2(r3, high4, r7));
        (r8, r12) = (Avx512F.PermuteVar16x32x2(r8, low4, r12), Avx512F.PermuteVar16x32x2(r8, high4, r12));
        (r9, r13) = (Avx512F.PermuteVar16x32x2(r9, low4, r13), Avx512F.PermuteVar16x32x2(r9, high4, r13));
        (r10, r14) = (Avx512F.PermuteVar16x32x2(r10, low4, r14), Avx512F.PermuteVar16x32x2(r10, high4, r14));
        (r11, r15) = (Avx512F.PermuteVar16x32x2(r11, low4, r15), Avx512F.PermuteVar16x32x2(r11, high4, r15));
        (r0, r2) = (Avx512F.PermuteVar16x32x2(r0, low2, r2), Avx512F.PermuteVar16x32x2(r0, high2, r2));
        (r1, r3) = (Avx512F.PermuteVar16x32x2(r1, low2, r3), Avx512F.PermuteVar16x32x2(r1, high2, r3));
        (r4, r6) = (Avx512F.PermuteVar16x32x2(r4, low2, r6), Avx512F.PermuteVar16x32x2(r4, high2, r6));
        (r5, r7) = (Avx512F.PermuteVar16x32x2(r5, low2, r7), Avx512F.PermuteVar16x32x2(r5, high2, r7));
        (r8, r10) = (Avx512F.PermuteVar16x32x2(r8, low2, r10), Avx512F.PermuteVar16x32x2(r8, high2, r10));
        (r9, r11) = (Avx512F.PermuteVar16x32x2(r9, low2, r11), Avx512F.PermuteVar16x32x2(r9, high2, r11));
        (r12, r14) = (Avx512F.PermuteVar16x32x2(r12, low2, r14), Avx512F.PermuteVar16x32x2(r12, high2, r14));
        (r13, r15) = (Avx512F.PermuteVar16x32x2(r13, low2, r15), Avx512F.PermuteVar16x32x2(r13, high2, r15));
        (r0, r1) = (Avx512F.PermuteVar16x32x2(r0, low1, r1), Avx512F.PermuteVar16x32x2(r0, high1, r1));
        (r2, r3) = (Avx512F.PermuteVar16x32x2(r2, low1, r3), Avx512F.PermuteVar16x32x2(r2, high1, r3));
        (r4, r5) = (Avx512F.PermuteVar16x32x2(r4, low1, r5), Avx512F.PermuteVar16x32x2(r4, high1, r5));
        (r6, r7) = (Avx512F.PermuteVar16x32x2(r6, low1, r7), Avx512F.PermuteVar16x32x2(r6, high1, r7));
        (r8, r9) = (Avx512F.PermuteVar16x32x2(r8, low1, r9), Avx512F.PermuteVar16x32x2(r8, high1, r9));
        (r10, r11) = (Avx512F.PermuteVar16x32x2(r10, low1, r11), Avx512F.PermuteVar16x32x2(r10, high1, r11));
        (r12, r13) = (Avx512F.PermuteVar16x32x2(r12, low1, r13), Avx512F.PermuteVar16x32x2(r12, high1, r13));
        (r14, r15) = (Avx512F.PermuteVar16x32x2(r14, low1, r15), Avx512F.PermuteVar16x32x2(r14, high1, r15));
        if (split == 0)
        {
            r0.Store(dst + (0 * step));
            r1.Store(dst + (1 * step));
            r2.Store(dst + (2 * step));
            r3.Store(dst + (3 * step));
            r4.Store(dst + (4 * step));
            r5.Store(dst + (5 * step));
            r6.Store(dst + (6 * step));
            r7.Store(dst + (7 * step));
            r8.Store(dst + (8 * step));
            r9.Store(dst + (9 * step));
            r10.Store(dst + (10 * step));
            r11.Store(dst + (11 * step));
            r12.Store(dst + (12 * step));
            r13.Store(dst + (13 * step));
            r14.Store(dst + (14 * step));
            r15.Store(dst + (15 * step));
        }
        else
        {
            r0.GetLower().Store(dst + (0 * step));
            r0.GetUpper().Store(dst + (0 * step) + split);
            r1.GetLower().Store(dst + (1 * step));
            r1.GetUpper().Store(dst + (1 * step) + split);
            r2.GetLower().Store(dst + (2 * step));
            r2.GetUpper().Store(dst + (2 * step) + split);
            r3.GetLower().Store(dst + (3 * step));
            r3.GetUpper().Store(dst + (3 * step) + split);
            r4.GetLower().Store(dst + (4 * step));
            r4.GetUpper().Store(dst + (4 * step) + split);
            r5.GetLower().Store(dst + (5 * step));
            r5.GetUpper().Store(dst + (5 * step) + split);
            r6.GetLower().Store(dst + (6 * step));
            r6.GetUpper().Store(dst + (6 * step) + split);
            r7.GetLower().Store(dst + (7 * step));
            r7.GetUpper().Store(dst + (7 * step) + split);
            r8.GetLower().Store(dst + (8 * step));
            r8.GetUpper().Store(dst + (8 * step) + split);
            r9.GetLower().Store(dst + (9 * step));
            r9.GetUpper().Store(dst + (9 * step) + split);
            r10.GetLower().Store(dst + (10 * step));
            r10.GetUpper().Store(dst + (10 * step) + split);
            r11.GetLower().Store(dst + (11 * step));
            r11.GetUpper().Store(dst + (11 * step) + split);
            r12.GetLower().Store(dst + (12 * step));
            r12.GetUpper().Store(dst + (12 * step) + split);
            r13.GetLower().Store(dst + (13 * step));
            r13.GetUpper().Store(dst + (13 * step) + split);
            r14.GetLower().Store(dst + (14 * step));
            r14.GetUpper().Store(dst + (14 * step) + split);
            r15.GetLower().Store(dst + (15 * step));
            r15.GetUpper().Store(dst + (15 * step) + split);
        }
    }
}
