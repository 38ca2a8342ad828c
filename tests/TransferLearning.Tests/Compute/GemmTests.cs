using TransferLearning.Compute;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Compute;

public class GemmTests
{
    private static readonly (float Alpha, float Beta)[] AlphaBetas = [(1f, 0f), (-0.5f, 1f), (1.5f, -0.75f)];

    // (m, n, k): degenerate-but-valid, K = 1, odd primes, sizes either side of the AVX-512 (32 × 12) and
    // AVX2 (16 × 6) tiles, of the blocks (k 384, m 192) and of the parallel threshold; small m with larger n
    // (computed as Cᵀ = op(B)ᵀ·op(A)ᵀ), single-threaded and parallel.
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 1, 1 },
        { 1, 7, 3 },
        { 9, 1, 4 },
        { 40, 50, 1 },
        { 17, 33, 5 },
        { 31, 11, 7 },
        { 32, 12, 8 },
        { 33, 13, 9 },
        { 16, 6, 2 },
        { 47, 25, 385 },
        { 193, 14, 20 },
        { 10, 128, 64 },
        { 12, 300, 200 },
        { 3, 2045, 2 },
        { 130, 257, 129 },
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (object[] shape in Shapes)
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    yield return [shape[0], shape[1], shape[2], transposeA, transposeB];
                }
            }
        }
    }

    public static IEnumerable<object[]> Backends()
    {
        foreach (GemmKernelKind kind in Enum.GetValues<GemmKernelKind>())
        {
            if (ManagedComputeBackend.IsSupported(kind))
            {
                yield return [kind.ToString()];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemm_Managed_MatchesDoubleReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        foreach ((float alpha, float beta) in AlphaBetas)
        {
            foreach (int pad in new[] { 0, 3 })
            {
                GemmCase.Random(transposeA, transposeB, m, n, k, alpha, beta, pad, seed: (m * 31) + n + k + pad)
                    .AssertBackend(ComputeBackend.Managed);
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Gemm_NativeBlas_MatchesDoubleReference(int m, int n, int k, bool transposeA, bool transposeB)
    {
        var native = NativeBlas.Require();

        foreach ((float alpha, float beta) in AlphaBetas)
        {
            foreach (int pad in new[] { 0, 3 })
            {
                GemmCase.Random(transposeA, transposeB, m, n, k, alpha, beta, pad, seed: (m * 17) + n + k + pad)
                    .AssertBackend(native!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gemm_EveryKernelSingleAndMultiThreaded_MatchesDoubleReference(string kernel)
    {
        GemmKernelKind kind = Enum.Parse<GemmKernelKind>(kernel);
        var backends = new[]
        {
            new ManagedComputeBackend(kind, maxThreads: 1),
            new ManagedComputeBackend(kind, maxThreads: Math.Max(2, Environment.ProcessorCount)),
        };
        int seed = 0;
        foreach (object[] c in Cases())
        {
            var (m, n, k, ta, tb) = ((int)c[0], (int)c[1], (int)c[2], (bool)c[3], (bool)c[4]);
            foreach (ManagedComputeBackend backend in backends)
            {
                GemmCase.Random(ta, tb, m, n, k, 0.75f, seed % 2 == 0 ? 0f : -0.5f, pad: seed % 3, seed: seed++, bfloat16: kind == GemmKernelKind.Avx512Bf16)
                    .AssertBackend(backend);
            }
        }
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Gemm_ManagedAndNative_AgreeOnTrainingShapes()
    {
        var native = NativeBlas.Require();
        native.Name.Should().StartWith("NativeBlas (");

        // forward W·X (NN), dW = dZ·Aᵀ (NT), dA = Wᵀ·dZ (TN), at a reduced batch to keep the test fast.
        (bool Ta, bool Tb, int M, int N, int K)[] shapes =
        [
            (false, false, 256, 16, 784),
            (false, true, 256, 784, 16),
            (true, false, 784, 16, 256),
            (false, false, 10, 16, 256),
        ];
        foreach (var (ta, tb, m, n, k) in shapes)
        {
            var managedCase = GemmCase.Random(ta, tb, m, n, k, 1f, 0f, pad: 0, seed: m + n + k);
            float[] managed = managedCase.Run(ComputeBackend.Managed);
            float[] fromNative = managedCase.Run(native);
            for (int i = 0; i < managed.Length; i++)
            {
                double tolerance = 1e-4 * managedCase.Magnitude(i);
                ((double)Math.Abs(managed[i] - fromNative[i])).Should().BeLessThanOrEqualTo(
                    tolerance, $"element {i} of {m}×{n}×{k} ({(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')})");
            }
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gemm_ManyThreadsAtOnce_EachGetsItsOwnCorrectResult(bool bfloat16)
    {
        Skip.If(bfloat16 && !ComputeBackend.IsBFloat16Supported, "This CPU (or OS) cannot run the bfloat16 kernel.");
        ComputeBackend backend = bfloat16 ? ComputeBackend.ManagedBFloat16() : ComputeBackend.Managed;
        var cases = new[]
        {
            GemmCase.Random(false, false, 96, 64, 128, 1f, 0f, pad: 0, seed: 1, bfloat16),
            GemmCase.Random(false, true, 70, 90, 50, 0.5f, 1f, pad: 2, seed: 2, bfloat16),
            GemmCase.Random(true, false, 13, 29, 17, 1f, 0f, pad: 1, seed: 3, bfloat16),
            GemmCase.Random(true, true, 120, 40, 200, -1f, 0.25f, pad: 0, seed: 4, bfloat16),
        };
        const int Threads = 8;
        const int Repeats = 15;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int r = 0; r < Repeats; r++)
            {
                GemmCase gemmCase = cases[(t + r) % cases.Length];
                string? error = gemmCase.Check(backend);
                if (error is not null)
                {
                    failures.Add(error);
                }
            }
        })).ToArray();

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        failures.Should().BeEmpty();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gemm_DegenerateSizes_LeaveOrScaleC(bool native)
    {
        ComputeBackend backend = native ? NativeBlas.Require() : ComputeBackend.Managed;

        // k = 0: C ← beta·C, and A, B may be empty.
        float[] c = [1, 2, 3, 4, 5, 6];
        backend.Gemm(false, false, 2, 3, 0, 1f, [], 2, [], 1, 2f, c, 2);
        c.Should().Equal(2, 4, 6, 8, 10, 12);

        // k = 0 and beta = 0: C is cleared even when it held NaN.
        float[] nan = [float.NaN, float.NaN, float.NaN, float.NaN];
        backend.Gemm(true, true, 2, 2, 0, 1f, [], 1, [], 2, 0f, nan, 2);
        nan.Should().Equal(0, 0, 0, 0);

        // m = 0 or n = 0: nothing is touched.
        float[] untouched = [float.NaN];
        backend.Gemm(false, false, 0, 1, 3, 1f, [], 1, [1, 2, 3], 3, 0f, untouched, 1);
        backend.Gemm(false, false, 1, 0, 3, 1f, [1, 2, 3], 1, [], 3, 0f, untouched, 1);
        float.IsNaN(untouched[0]).Should().BeTrue();
    }

    [Theory]
    [InlineData(10, 128, true)]
    [InlineData(1, 500, true)]
    [InlineData(512, 128, false)]
    [InlineData(128, 10, false)]
    [InlineData(33, 33, false)]
    public void PreferTransposed_SmallMLargeN_SwapsRoles(int m, int n, bool expected) =>
        ManagedComputeBackend.PreferTransposed(GemmKernelKind.Avx512, m, n).Should().Be(expected);

    [Fact]
    public void Gemm_AlphaZero_OnlyScalesC()
    {
        float[] a = [float.NaN, 1];
        float[] b = [2, float.NaN];
        float[] c = [3];
        ComputeBackend.Managed.Gemm(false, false, 1, 1, 2, 0f, a, 1, b, 2, 2f, c, 1);
        c.Should().Equal(6);
    }

    [Fact]
    public void Gemm_ShortSpanOrLeadingDimension_Throws()
    {
        ComputeBackend backend = ComputeBackend.Managed;
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];

        var shortA = () => backend.Gemm(false, false, 2, 2, 3, 1f, a.AsSpan(0, 5), 2, b, 3, 0f, c, 2);
        shortA.Should().Throw<ArgumentException>().WithParameterName("a");

        var shortC = () => backend.Gemm(false, false, 2, 2, 3, 1f, a, 2, b, 3, 0f, c.AsSpan(0, 3), 2);
        shortC.Should().Throw<ArgumentException>().WithParameterName("c");

        var smallLda = () => backend.Gemm(false, false, 2, 2, 3, 1f, a, 1, b, 3, 0f, c, 2);
        smallLda.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lda");

        var smallLdbTransposed = () => backend.Gemm(false, true, 2, 2, 3, 1f, a, 2, b, 1, 0f, c, 2);
        smallLdbTransposed.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ldb");
    }

    [Fact]
    public void Managed_Name_SaysWhatRuns()
    {
        ComputeBackend.Managed.Name.Should().StartWith("Managed (").And.Contain("thread");
        new ManagedComputeBackend(GemmKernelKind.Scalar, 1).Name.Should().Be("Managed (scalar, 1 thread)");
    }

    [Fact]
    public void NativeBlas_UnknownLibrary_ReturnsNullWithoutThrowing()
    {
        NativeBlasComputeBackend.TryLoad("libdefinitely-not-a-blas.so.42").Should().BeNull();
        NativeBlasComputeBackend.TryLoad("/nonexistent/dir/libblas.so").Should().BeNull();
        ComputeBackend.TryLoadNativeBlas("libdefinitely-not-a-blas.so.42", out ComputeBackend? backend).Should().BeFalse();
        backend.Should().BeNull();

        // libc loads but does not export cblas_sgemm.
        NativeBlasComputeBackend.TryLoad(OperatingSystem.IsLinux() ? "libc.so.6" : "kernel32.dll").Should().BeNull();

        var load = () => ComputeBackend.NativeBlas("libdefinitely-not-a-blas.so.42");
        load.Should().Throw<DllNotFoundException>().WithMessage("*libdefinitely-not-a-blas.so.42*");
    }

    [Fact]
    public void NativeBlas_CandidateNames_ArePlatformDefaultsOrTheGivenName()
    {
        NativeBlasComputeBackend.CandidateNames("libmkl_rt.so").Should().Equal("libmkl_rt.so");
        if (OperatingSystem.IsLinux())
        {
            NativeBlasComputeBackend.CandidateNames(null).Should().Equal(
                "libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3");
        }
    }

    [SkippableFact]
    public void NativeBlas_OnThisMachine_LoadsOpenBlasWhenInstalled()
    {
        const string Path = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0";
        Skip.IfNot(File.Exists(Path), $"{Path} is not installed: nothing to load.");

        bool loaded = ComputeBackend.TryLoadNativeBlas(null, out ComputeBackend? backend);

        loaded.Should().BeTrue();
        backend!.Name.Should().Be("NativeBlas (libopenblas.so.0)");
    }
}
