using System.IO.Compression;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Packaging;

/// <summary>
/// From 1.0.0 on, every pack is validated against the released packages in eng/baseline, and the public API analyzer
/// against PublicAPI.Shipped.txt: both must exist and be what they claim, or the guard guards nothing.
/// </summary>
public class ReleaseBaselineTests
{
    [Theory]
    [InlineData("TransferLearning")]
    [InlineData("TransferLearning.Onnx")]
    public void Baseline_IsTheReleasedPackageOfThatIdAndVersion(string package)
    {
        string path = Path.Combine(Repository.Root(), "eng", "baseline", $"{package}.1.0.0.nupkg");

        File.Exists(path).Should().BeTrue("package validation compares every pack with {0}", path);
        using var zip = ZipFile.OpenRead(path);
        zip.Entries.Select(e => e.FullName).Should().Contain($"lib/net10.0/{package}.dll");
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string manifest = nuspec.ReadToEnd();
        manifest.Should().Contain($"<id>{package}</id>").And.Contain("<version>1.0.0</version>");
    }

    [Fact]
    public void Props_ValidateEveryPackAgainstTheBaseline()
    {
        string props = File.ReadAllText(Path.Combine(Repository.Root(), "src", "Directory.Build.props"));

        props.Should().Contain("<PackageValidationBaselinePath")
            .And.Contain("eng/baseline/$(MSBuildProjectName).1.0.0.nupkg");
    }

    [Theory]
    [InlineData("TransferLearning", 900)]
    [InlineData("TransferLearning.Onnx", 10)]
    public void PublicApi_ShippedHoldsTheReleasedApi(string package, int atLeast)
    {
        var shipped = File.ReadAllLines(Path.Combine(Repository.Root(), "src", package, "PublicAPI.Shipped.txt"));

        shipped.Count(l => l.Length > 0 && !l.StartsWith('#')).Should().BeGreaterThanOrEqualTo(atLeast, "1.0.0 shipped the whole public API");
    }
}
