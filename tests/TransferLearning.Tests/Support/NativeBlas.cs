using TransferLearning.Compute;

namespace TransferLearning.Tests.Support;

/// <summary>The system BLAS for tests that need one: such a test is skipped, visibly, when none loads.</summary>
internal static class NativeBlas
{
    /// <summary>
    /// The library name the tests load, from <c>TRANSFERLEARNING_TEST_BLAS</c> when set (point it at a missing
    /// name to see the native tests skip), else the platform's default names.
    /// </summary>
    public static string? Name => Environment.GetEnvironmentVariable("TRANSFERLEARNING_TEST_BLAS");

    /// <summary>Returns the native backend, or skips the calling [SkippableFact]/[SkippableTheory] when no BLAS loads.</summary>
    public static ComputeBackend Require()
    {
        bool loaded = ComputeBackend.TryLoadNativeBlas(Name, out var native);
        Skip.IfNot(loaded, $"No native BLAS loads on this machine ({Name ?? "libopenblas.so.0 and the other default names"}): install libopenblas0-pthread to run this test.");
        return native!;
    }
}
