using TransferLearning.Data;
using TransferLearning.Samples;

namespace TransferLearning.Tests.Support;

/// <summary>
/// The full Fashion-MNIST for slow integration tests, read once per test run. Call <see cref="Require"/>
/// first thing in a <c>[SkippableFact, Trait("Category", "Slow")]</c> test: when the data set is missing the
/// test is skipped visibly on a developer's machine, and fails under <c>CI=true</c> (CI installs it).
/// </summary>
public static class FashionMnistFixture
{
    private static readonly Lazy<FashionMnistData?> Data = new(() =>
        FashionMnistFolders.Find() is { } directory ? FashionMnist.LoadFrom(directory) : null);

    /// <summary>Gets a value indicating whether the tests run under CI (environment variable <c>CI=true</c>).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the full data set, or skips the test (locally) / fails it (under CI) when it is not installed.</summary>
    public static FashionMnistData Require() => Require(Data.Value, IsCi);

    /// <summary>The decision with its inputs explicit: the data, or a skip (locally), or a failure (under CI).</summary>
    public static FashionMnistData Require(FashionMnistData? data, bool isCi)
    {
        if (data is not null)
        {
            return data;
        }

        string why = $"Fashion-MNIST is not installed (looked in {FashionMnistFolders.DirectoryVariable} and {FashionMnistFolders.SystemDirectory}; apt-get install dataset-fashion-mnist).";
        if (isCi)
        {
            throw new InvalidOperationException($"CI=true: {why} CI must install it, so this is a failure, not a skip.");
        }

        Skip.If(true, why);
        return null!;   // not reached: Skip.If throws.
    }
}
