using System.Runtime.CompilerServices;

namespace TransferLearning.Compute;

// One GEMM, C ← alpha·op(A)·op(B) + beta·C, with every pointer pinned by the caller. Element (i, j) of C is
// at C[i·CRowStride + j·CColStride]: (1, ldc) for column-major C, (ldc, 1) when the backend computes Cᵀ
// = op(B)ᵀ·op(A)ᵀ instead (a better fit for the tiles when m is small).
internal unsafe struct GemmProblem
{
    public bool TransposeA;
    public bool TransposeB;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float* A;
    public nint Lda;
    public float* B;
    public nint Ldb;
    public float Beta;
    public float* C;
    public nint CRowStride;
    public nint CColStride;

    // The same product computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: an n × m problem on the same memory.
    public readonly GemmProblem Transposed() => new()
    {
        TransposeA = !TransposeB,
        TransposeB = !TransposeA,
        M = N,
        N = M,
        K = K,
        Alpha = Alpha,
        A = B,
        Lda = Ldb,
        B = A,
        Ldb = Lda,
        Beta = Beta,
        C = C,
        CRowStride = CColStride,
        CColStride = CRowStride,
    };
}

// The GotoBLAS/BLIS loop nest around one micro-kernel, for the block C[i0..i1, j0..j1] of a problem
// (k > 0, alpha != 0). Loops, outermost first: columns of C in blocks of NcMax, k in blocks of about KcMax
// (op(B) block packed once per iteration), rows in blocks of about McMax (op(A) block packed), then the
// Nr × Mr micro-tiles. Partial tiles at the edges run the kernel into a local tile and merge.
internal static unsafe class GemmDriver<TK>
    where TK : struct, IGemmMicroKernel
{
    // The depth of a packed block. The sums of a product with k > KcMax are made of ceil(k / KcMax) partial sums
    // of KcStep(k) terms each, added to C one after another: SparseTrainingGemm keeps that order.
    internal const int KcMax = 384;
    private const int McMax = 192;
    private const int NcMax = 2040;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem p, int i0, int i1, int j0, int j1, GemmPackBuffers buffers)
    {
        int mr = TK.Mr;
        int nr = TK.Nr;
        int k = p.K;

        int kcStep = KcStep(k);
        int rows = i1 - i0;
        int mcStep = RoundUp(CeilDiv(rows, CeilDiv(rows, RoundUp(McMax, mr))), mr);
        int cols = j1 - j0;
        int ncStep = RoundUp(CeilDiv(cols, CeilDiv(cols, RoundUp(NcMax, nr))), nr);

        // Buffers sized for the largest block any part of this problem can need, not for this part: which
        // thread runs which part varies from call to call, and no thread may have to grow its buffers on a
        // later call of the same problem (steady state allocates nothing).
        var (aFloats, bFloats) = BufferFloats(p);
        float* packedA = buffers.A(aFloats);
        float* packedB = buffers.B(bFloats);
        float* tile = stackalloc float[mr * nr];

        for (int jc = j0; jc < j1; jc += ncStep)
        {
            int nc = Math.Min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcStep)
            {
                int kc = Math.Min(kcStep, k - pc);
                GemmPacking.PackB<TK>(p.TransposeB, p.B, p.Ldb, pc, kc, jc, nc, packedB);
                float beta = pc == 0 ? p.Beta : 1f;
                for (int ic = i0; ic < i1; ic += mcStep)
                {
                    int mc = Math.Min(mcStep, i1 - ic);
                    GemmPacking.PackA<TK>(p.TransposeA, p.A, p.Lda, ic, mc, pc, kc, packedA);
                    float* cBlock = p.C + ((nint)ic * p.CRowStride) + ((nint)jc * p.CColStride);
                    MacroKernel(kc, mc, nc, packedA, packedB, cBlock, p.CRowStride, p.CColStride, p.Alpha, beta, tile);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MacroKernel(
        int kc, int mc, int nc, float* packedA, float* packedB, float* c, nint rowStride, nint colStride,
        float alpha, float beta, float* tile)
    {
        int mr = TK.Mr;
        int nr = TK.Nr;
        bool columnMajor = rowStride == 1;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int ncols = Math.Min(nr, nc - jr);
            float* bPanel = packedB + ((nint)jr * kc);
            float* cColumn = c + ((nint)jr * colStride);
            for (int ir = 0; ir < mc; ir += mr)
            {
                int nrows = Math.Min(mr, mc - ir);
                float* aPanel = packedA + ((nint)ir * kc);
                float* cTile = cColumn + ((nint)ir * rowStride);
                if (columnMajor && nrows == mr && ncols == nr)
                {
                    TK.Run(kc, aPanel, bPanel, cTile, colStride, alpha, beta);
                }
                else if (columnMajor && nrows == mr / 2 && ncols == nr)
                {
                    TK.RunHalf(kc, aPanel, bPanel, cTile, colStride, alpha, beta);
                }
                else
                {
                    if (nrows <= mr / 2)
                    {
                        TK.RunHalf(kc, aPanel, bPanel, tile, mr, 1f, 0f);
                    }
                    else
                    {
                        TK.Run(kc, aPanel, bPanel, tile, mr, 1f, 0f);
                    }

                    GemmTile.Merge(tile, mr, nrows, ncols, cTile, rowStride, colStride, alpha, beta);
                }
            }
        }
    }

    /// <summary>The packed-A and packed-B floats that any block of <paramref name="p"/> needs at most.</summary>
    public static (int A, int B) BufferFloats(in GemmProblem p)
    {
        int kcStep = KcStep(p.K);
        return (Math.Min(RoundUp(McMax, TK.Mr), RoundUp(p.M, TK.Mr)) * kcStep,
                Math.Min(RoundUp(NcMax, TK.Nr), RoundUp(p.N, TK.Nr)) * kcStep);
    }

    /// <summary>The number of terms of each partial sum (the last may have fewer) that a product of depth <paramref name="k"/> adds to C.</summary>
    public static int KcStep(int k) => CeilDiv(k, CeilDiv(k, KcMax));

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}

// The edge of a product: a micro-tile computed into a local buffer, merged into the valid part of C.
internal static unsafe class GemmTile
{
    // C[i, j] ← alpha·tile[i, j] + beta·C[i, j] (beta = 0: C not read) for the valid part of a tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Merge(
        float* tile, int mr, int rows, int cols, float* c, nint rowStride, nint colStride, float alpha, float beta)
    {
        for (int j = 0; j < cols; j++)
        {
            float* t = tile + ((nint)j * mr);
            float* cj = c + ((nint)j * colStride);
            if (beta == 0)
            {
                for (int i = 0; i < rows; i++)
                {
                    cj[i * rowStride] = alpha * t[i];
                }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                {
                    cj[i * rowStride] = (alpha * t[i]) + (beta * cj[i * rowStride]);
                }
            }
        }
    }
}
