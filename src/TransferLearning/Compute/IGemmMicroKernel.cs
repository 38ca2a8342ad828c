namespace TransferLearning.Compute;

// A register-blocked micro-kernel and the cache-block sizes that suit it.
// Run computes C[0..Mr, 0..Nr] ← alpha·Ap·Bp + beta·C (column-major C with leading dimension ldc), where Ap
// is a packed Mr × kc panel (Mr values per k step) and Bp a packed kc × Nr panel (Nr values per k step).
// With beta == 0 C is only written.
internal interface IGemmMicroKernel
{
    static abstract int Mr { get; }

    static abstract int Nr { get; }

    static abstract bool IsSupported { get; }

    static abstract unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);

    // As Run, but computes (at least) rows 0 .. Mr/2 - 1 only: for a last panel of at most Mr/2 rows.
    static abstract unsafe void RunHalf(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
