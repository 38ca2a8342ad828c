using System.Text.RegularExpressions;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Packaging;

/// <summary>Each package's README (src/*/PACKAGE.md) is read on a package page, outside the repository.</summary>
public partial class PackageReadmeTests
{
    [Theory]
    [InlineData("TransferLearning")]
    [InlineData("TransferLearning.Onnx")]
    public void Links_PointOutsideTheRepository(string package)
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "src", package, "PACKAGE.md"));

        var relative = MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value).Where(url => !url.StartsWith("https://", StringComparison.Ordinal)).ToList();

        relative.Should().BeEmpty("a relative link resolves to nothing on a package page");
        readme.Should().NotContain("<img", "images are links too");
    }

    [Fact]
    public void Project_PacksThePackageReadmeAndTheLicence()
    {
        // What every package shares lives in src/Directory.Build.props.
        string project = File.ReadAllText(Path.Combine(Repository.Root(), "src", "Directory.Build.props"));

        project.Should().Contain("<None Include=\"PACKAGE.md\" Pack=\"true\" PackagePath=\"/README.md\" />")
            .And.Contain("<None Include=\"$(MSBuildThisFileDirectory)../LICENSE\" Pack=\"true\" PackagePath=\"/\" />")
            .And.Contain("<PackageLicenseExpression>MIT</PackageLicenseExpression>")
            .And.Contain("<EnablePackageValidation>true</EnablePackageValidation>");
        File.ReadAllText(Path.Combine(Repository.Root(), "LICENSE")).Should().StartWith("MIT License").And.Contain("TransferLearning contributors");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)")]
    private static partial Regex MarkdownLink();
}
