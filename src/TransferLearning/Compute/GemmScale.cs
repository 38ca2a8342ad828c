namespace TransferLearning.Compute;

// C ← beta·C for a column-major m × n block (beta = 0: C is cleared, not read). What every backend does
// when k = 0 or alpha = 0.
internal static unsafe class GemmScale
{
    public static void Apply(int m, int n, float beta, float* c, nint ldc)
    {
        if (beta == 1)
        {
            return;
        }

        for (int j = 0; j < n; j++)
        {
            var column = new Span<float>(c + (j * ldc), m);
            if (beta == 0)
            {
                column.Clear();
            }
            else
            {
                for (int i = 0; i < m; i++)
                {
                    column[i] *= beta;
                }
            }
        }
    }
}
