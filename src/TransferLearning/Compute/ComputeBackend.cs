namespace TransferLearning.Compute;

/// <summary>
/// The kernel that computes every matrix product of the forward and backward passes: the one seam
/// through which the fastest available implementation serves every layer.
/// </summary>
/// <remarks>
/// <para>
/// All products are column-major single-precision GEMM, <c>C ← α·op(A)·op(B) + β·C</c>, on the arrays
/// behind MathNet's dense matrices, so that a mini-batch (a block of columns) is used in place.
/// </para>
/// <para>
/// Library code never switches the backend on its own: a <c>Network</c> uses the
/// backend it was given (<see cref="Default"/> unless the caller sets another), and <see cref="Default"/>
/// is chosen once per process.
/// </para>
/// </remarks>
public abstract class ComputeBackend
{
    private static readonly Lazy<ComputeBackend> LazyDefault = new(ChooseDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    private protected ComputeBackend()
    {
    }

    /// <summary>Gets a short human-readable name of the backend, such as <c>Managed (AVX-512, 2 threads)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the managed backend: pure .NET, needs no native library.</summary>
    public static ComputeBackend Managed => ManagedComputeBackend.Instance;

    /// <summary>
    /// Gets the backend used by networks that were not given one, chosen once, the first time it is read:
    /// <see cref="Managed"/> when its SIMD kernel runs on this CPU (AVX-512, or AVX2 with FMA); otherwise
    /// the system BLAS when one is found (see <see cref="TryLoadNativeBlas(string?, out ComputeBackend?)"/>);
    /// otherwise <see cref="Managed"/> with its scalar kernel.
    /// </summary>
    /// <remarks>
    /// The managed kernel comes first because it measured faster than the system OpenBLAS on every
    /// product that training the benchmark networks runs (tests/TransferLearning.Benchmarks/README.md):
    /// 194–219 GFLOP/s against 165–190 on the 784-512-256 layers at batch 128. To use the system BLAS
    /// anyway, set <see cref="Networks.Network.TrainingBackend"/> to <see cref="NativeBlas(string?)"/>.
    /// </remarks>
    public static ComputeBackend Default => LazyLoadedDefault();

    /// <summary>
    /// Gets whether <see cref="ManagedBFloat16"/> can run here: an x64 CPU with AVX512_BF16 (AMD Zen 4 and later, Intel
    /// Cooper Lake, Sapphire Rapids and later) with AVX-512 enabled for .NET, on Linux or Windows.
    /// </summary>
    public static bool IsBFloat16Supported => ManagedComputeBackend.IsSupported(GemmKernelKind.Avx512Bf16);

    /// <summary>
    /// Gets the managed backend in bfloat16 mode: every matrix product of training (the forward pass, <c>dA[l-1] =
    /// W[l]ᵀ·dZ[l]</c> and <c>dW[l] = dZ[l]·A[l-1]ᵀ / m</c>) rounds both factors to bfloat16 (8 bits of mantissa, ties to
    /// even) and sums their products in float32, at about twice the float32 multiply-add rate (VDPBF16PS).
    /// </summary>
    /// <returns>The bfloat16 backend, one per process.</returns>
    /// <remarks>
    /// <para>
    /// Only the products change: weights, gradients, optimiser state, activations and losses stay float32 (the
    /// "master weights"), each product of two bfloat16 values is exact in float32, and a sum of <c>k</c> terms is
    /// float32 with a relative error of about <c>k · 2⁻²⁴</c> beyond the rounding of its factors (about 2⁻⁹ each).
    /// As the instruction does, whatever the floating-point control word says, factors below 2⁻¹²⁶ in magnitude
    /// (subnormal) count as zero and subnormal results are flushed to zero.
    /// Predictions (<c>Predict</c>, <c>Evaluate</c>, feature caches) and the advisor's probes run the float32
    /// kernels, and the first layer does not skip zero inputs in this mode.
    /// </para>
    /// <para>
    /// .NET 10 has no intrinsic for AVX512_BF16, so the micro-kernel is machine code (assembled from
    /// <c>Compute/Bf16/Bf16MicroKernel.S</c>) that is copied once into a read-and-execute page of the process.
    /// Results are reproducible: the same seed gives the same weights on the same CPU and thread count, as in float32.
    /// </para>
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">
    /// The CPU lacks AVX512_BF16, AVX-512 is turned off (<c>DOTNET_EnableAVX512=0</c>), the process is not x64, the OS is
    /// neither Linux nor Windows, or the OS refused an executable page (checked when support is first asked for); the
    /// message says which. Check
    /// <see cref="IsBFloat16Supported"/> first, or use <see cref="Managed"/>.
    /// </exception>
    public static ComputeBackend ManagedBFloat16() => ManagedComputeBackend.BFloat16;

    /// <summary>
    /// Tries to load a system BLAS library that exports <c>cblas_sgemm</c>.
    /// </summary>
    /// <param name="libraryName">
    /// A library name or path (for example <c>libmkl_rt.so</c> or <c>/opt/blis/lib/libblis.so</c>), or
    /// <see langword="null"/> to try the usual names: <c>libopenblas.so.0</c>, <c>libopenblas.so</c>,
    /// <c>libcblas.so.3</c>, <c>libblas.so.3</c> on Linux; Accelerate on macOS; <c>libopenblas.dll</c> on Windows.
    /// </param>
    /// <param name="backend">The loaded backend, or <see langword="null"/> when none was found.</param>
    /// <returns><see langword="true"/> when a library was loaded and exports <c>cblas_sgemm</c>.</returns>
    public static bool TryLoadNativeBlas(string? libraryName, out ComputeBackend? backend)
    {
        backend = NativeBlasComputeBackend.TryLoad(libraryName);
        return backend is not null;
    }

    /// <summary>Loads a system BLAS library that exports <c>cblas_sgemm</c>.</summary>
    /// <param name="libraryName">A library name or path, or <see langword="null"/> for the usual names.</param>
    /// <returns>The native backend.</returns>
    /// <exception cref="DllNotFoundException">No such library could be loaded, or it does not export <c>cblas_sgemm</c>.</exception>
    public static ComputeBackend NativeBlas(string? libraryName = null) =>
        NativeBlasComputeBackend.TryLoad(libraryName)
        ?? throw new DllNotFoundException(
            $"No BLAS library exporting cblas_sgemm could be loaded (tried: {string.Join(", ", NativeBlasComputeBackend.CandidateNames(libraryName))}).");

    /// <summary>
    /// Column-major <c>C ← α·op(A)·op(B) + β·C</c> where <c>op(A)</c> is <c>m × k</c>, <c>op(B)</c> is
    /// <c>k × n</c> and <c>C</c> is <c>m × n</c>. With <paramref name="beta"/> = 0, <c>C</c> is only written.
    /// </summary>
    internal abstract void Gemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static ComputeBackend LazyLoadedDefault() => LazyDefault.Value;

    private static ComputeBackend ChooseDefault() => Choose(
        ManagedComputeBackend.BestKernel() != GemmKernelKind.Scalar,
        () => NativeBlasComputeBackend.TryLoad(null));

    /// <summary>The rule behind <see cref="Default"/>: the managed SIMD kernel, else a native BLAS, else the scalar kernel.</summary>
    internal static ComputeBackend Choose(bool managedHasSimd, Func<ComputeBackend?> loadNative) =>
        managedHasSimd ? Managed : loadNative() ?? Managed;
}
