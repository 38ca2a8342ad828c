namespace TransferLearning.Compute;

// Which micro-kernel the managed backend runs.
internal enum GemmKernelKind
{
    Scalar,
    Avx2,
    Avx512,

    // bfloat16 products with float32 sums (training products only: predictions run Avx512).
    Avx512Bf16,
}
