using TransferLearning.Compute;

namespace TransferLearning.Tests.Compute;

public class DefaultBackendTests
{
    private static readonly ComputeBackend FakeNative = new ManagedComputeBackend(GemmKernelKind.Scalar, maxThreads: 1);

    [Fact]
    public void Choose_ManagedHasSimd_PrefersManagedWithoutLoadingNative()
    {
        bool asked = false;

        var chosen = ComputeBackend.Choose(managedHasSimd: true, () => { asked = true; return FakeNative; });

        chosen.Should().BeSameAs(ComputeBackend.Managed);
        asked.Should().BeFalse("no native library is loaded when the managed SIMD kernel serves");
    }

    [Fact]
    public void Choose_ScalarOnly_PrefersANativeBlas()
    {
        ComputeBackend.Choose(managedHasSimd: false, () => FakeNative).Should().BeSameAs(FakeNative);
    }

    [Fact]
    public void Choose_ScalarOnlyAndNoNative_FallsBackToManaged()
    {
        ComputeBackend.Choose(managedHasSimd: false, () => null).Should().BeSameAs(ComputeBackend.Managed);
    }

    [Fact]
    public void Default_OnThisMachine_FollowsTheRule()
    {
        bool simd = ManagedComputeBackend.BestKernel() != GemmKernelKind.Scalar;

        if (simd)
        {
            ComputeBackend.Default.Should().BeSameAs(ComputeBackend.Managed);
        }
        else
        {
            ComputeBackend.TryLoadNativeBlas(null, out var native);
            ComputeBackend.Default.Name.Should().Be((native ?? ComputeBackend.Managed).Name);
        }
    }
}
