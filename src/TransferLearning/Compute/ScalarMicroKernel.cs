namespace TransferLearning.Compute;

// The portable micro-kernel, for machines without AVX2 and FMA.
internal readonly struct ScalarMicroKernel : IGemmMicroKernel
{
    public static int Mr => 4;

    public static int Nr => 4;

    public static bool IsSupported => true;

    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = 0, c10 = 0, c20 = 0, c30 = 0;
        float c01 = 0, c11 = 0, c21 = 0, c31 = 0;
        float c02 = 0, c12 = 0, c22 = 0, c32 = 0;
        float c03 = 0, c13 = 0, c23 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
            c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
            c02 += a0 * b2; c12 += a1 * b2; c22 += a2 * b2; c32 += a3 * b2;
            c03 += a0 * b3; c13 += a1 * b3; c23 += a2 * b3; c33 += a3 * b3;
            a += 4;
            b += 4;
        }

        Column(c, alpha, beta, c00, c10, c20, c30);
        Column(c + ldc, alpha, beta, c01, c11, c21, c31);
        Column(c + (2 * ldc), alpha, beta, c02, c12, c22, c32);
        Column(c + (3 * ldc), alpha, beta, c03, c13, c23, c33);
    }

    public static unsafe void RunHalf(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        for (int j = 0; j < 4; j++)
        {
            float c0 = 0, c1 = 0;
            for (int p = 0; p < kc; p++)
            {
                float bv = b[(p * 4) + j];
                c0 += a[p * 4] * bv;
                c1 += a[(p * 4) + 1] * bv;
            }

            float* cj = c + (j * ldc);
            cj[0] = beta == 0 ? alpha * c0 : (alpha * c0) + (beta * cj[0]);
            cj[1] = beta == 0 ? alpha * c1 : (alpha * c1) + (beta * cj[1]);
        }
    }

    private static unsafe void Column(float* c, float alpha, float beta, float v0, float v1, float v2, float v3)
    {
        if (beta == 0)
        {
            c[0] = alpha * v0;
            c[1] = alpha * v1;
            c[2] = alpha * v2;
            c[3] = alpha * v3;
        }
        else
        {
            c[0] = (alpha * v0) + (beta * c[0]);
            c[1] = (alpha * v1) + (beta * c[1]);
            c[2] = (alpha * v2) + (beta * c[2]);
            c[3] = (alpha * v3) + (beta * c[3]);
        }
    }
}
