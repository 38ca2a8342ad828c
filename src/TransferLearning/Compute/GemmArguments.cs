namespace TransferLearning.Compute;

// Checks shared by every GEMM backend: sizes, leading dimensions and span lengths, so that no backend
// reads or writes outside the spans it was given.
internal static class GemmArguments
{
    public static void Validate(
        bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);

        // Stored shapes (column-major): A is m × k, or k × m when transposed; B is k × n, or n × k.
        int aRows = transposeA ? k : m;
        int aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k;
        int bCols = transposeB ? k : n;

        CheckOperand(aRows, aCols, aLength, lda, "a", "lda");
        CheckOperand(bRows, bCols, bLength, ldb, "b", "ldb");
        CheckOperand(m, n, cLength, ldc, "c", "ldc");
    }

    // The number of elements a column-major rows × cols matrix with leading dimension ld spans.
    public static long RequiredLength(int rows, int cols, int ld) =>
        rows == 0 || cols == 0 ? 0 : ((long)(cols - 1) * ld) + rows;

    private static void CheckOperand(int rows, int cols, int length, int ld, string name, string ldName)
    {
        if (ld < Math.Max(1, rows))
        {
            throw new ArgumentOutOfRangeException(
                ldName, ld, $"Expected a leading dimension of at least {Math.Max(1, rows)} for {name} ({rows} rows) but got {ld}.");
        }

        long required = RequiredLength(rows, cols, ld);
        if (length < required)
        {
            throw new ArgumentException(
                $"Expected {name} to hold at least {required} elements ({rows} × {cols}, leading dimension {ld}) but it holds {length}.",
                name);
        }
    }
}
