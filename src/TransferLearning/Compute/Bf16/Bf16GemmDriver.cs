using System.Runtime.CompilerServices;

namespace TransferLearning.Compute.Bf16;

// GemmDriver's loop nest around the bfloat16 micro-kernel, for the block C[i0..i1, j0..j1] of a problem (k > 0,
// alpha != 0): op(A) and op(B) are rounded to bfloat16 as they are packed, every product of two bfloat16 values is
// exact in float32, and the sums are float32. A sum of k terms is made of ceil(k / KcMax) partial sums added to C one
// after another, each a float32 sum of pairs of products (VDPBF16PS).
internal static unsafe class Bf16GemmDriver
{
    // The depth of a packed block, in k steps (even: whole pairs). Bf16 panels take half the bytes of float32 ones,
    // so a block is deeper than GemmDriver's: a B micro-panel of 512 steps is 8 KB in L1, an A micro-panel 32 KB.
    internal const int KcMax = 512;
    private const int McMax = 192;
    private const int NcMax = 2040;

    private const int Mr = Bf16MicroKernel.Mr;
    private const int Nr = Bf16MicroKernel.Nr;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem p, int i0, int i1, int j0, int j1, GemmPackBuffers buffers)
    {
        int k = p.K;
        int kcStep = KcStep(k);
        int rows = i1 - i0;
        int mcStep = RoundUp(CeilDiv(rows, CeilDiv(rows, McMax)), Mr);
        int cols = j1 - j0;
        int ncStep = RoundUp(CeilDiv(cols, CeilDiv(cols, NcMax)), Nr);

        // Sized for the largest block of the whole problem (see GemmDriver.Run): one 32-bit word per pair of values.
        var (aWords, bWords) = BufferFloats(p);
        uint* packedA = (uint*)buffers.A(aWords);
        uint* packedB = (uint*)buffers.B(bWords);
        float* tile = stackalloc float[Mr * Nr];

        for (int jc = j0; jc < j1; jc += ncStep)
        {
            int nc = Math.Min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k - pc);
                Bf16Packing.PackB(p.TransposeB, p.B, p.Ldb, pc, kc, jc, nc, packedB);
                float beta = pc == 0 ? p.Beta : 1f;
                for (int ic = i0; ic < i1; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, i1 - ic);
                    Bf16Packing.PackA(p.TransposeA, p.A, p.Lda, ic, mc, pc, kc, packedA);
                    float* cBlock = p.C + ((nint)ic * p.CRowStride) + ((nint)jc * p.CColStride);
                    MacroKernel((kc + 1) / 2, mc, nc, packedA, packedB, cBlock, p.CRowStride, p.CColStride, p.Alpha, beta, tile);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(
        int pairs, int mc, int nc, uint* packedA, uint* packedB, float* c, nint rowStride, nint colStride,
        float alpha, float beta, float* tile)
    {
        bool columnMajor = rowStride == 1;
        Bf16KernelArgs args = default;
        args.Pairs = pairs;
        for (int jr = 0; jr < nc; jr += Nr)
        {
            int ncols = Math.Min(Nr, nc - jr);
            args.B = (ushort*)(packedB + ((nint)jr * pairs));
            float* cColumn = c + ((nint)jr * colStride);
            for (int ir = 0; ir < mc; ir += Mr)
            {
                int nrows = Math.Min(Mr, mc - ir);
                args.A = (ushort*)(packedA + ((nint)ir * pairs));
                float* cTile = cColumn + ((nint)ir * rowStride);
                if (columnMajor && nrows == Mr && ncols == Nr)
                {
                    args.C = cTile;
                    args.LdcBytes = colStride * sizeof(float);
                    args.Alpha = alpha;
                    args.Beta = beta;
                    args.BetaIsZero = beta == 0 ? 1 : 0;
                    Bf16MicroKernel.Run(&args);
                }
                else
                {
                    args.C = tile;
                    args.LdcBytes = Mr * sizeof(float);
                    args.Alpha = 1f;
                    args.Beta = 0f;
                    args.BetaIsZero = 1;
                    Bf16MicroKernel.Run(&args);
                    GemmTile.Merge(tile, Mr, nrows, ncols, cTile, rowStride, colStride, alpha, beta);
                }
            }
        }
    }

    /// <summary>The packed-A and packed-B floats (32-bit words, a pair of bfloat16 each) that any block of <paramref name="p"/> needs at most.</summary>
    public static (int A, int B) BufferFloats(in GemmProblem p)
    {
        int pairs = KcStep(p.K) / 2;
        return (Math.Min(RoundUp(McMax, Mr), RoundUp(p.M, Mr)) * pairs,
                Math.Min(RoundUp(NcMax, Nr), RoundUp(p.N, Nr)) * pairs);
    }

    /// <summary>The number of terms of each partial sum (the last may have fewer): even, so that only the last block has an odd step.</summary>
    public static int KcStep(int k) => RoundUp(CeilDiv(k, CeilDiv(k, KcMax)), 2);

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
