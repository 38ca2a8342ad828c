namespace TransferLearning.Compute;

// Which micro-kernel the managed backend runs.
internal enum GemmKernelKind
{
    Scalar,
    Avx2,
    Avx512,
}
