using System.Xml.Linq;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>ONNX Runtime, a native dependency, comes with the TransferLearning.OnnxRuntime package only.</summary>
public sealed class OnnxRuntimePackageTests
{
    [Theory]
    [InlineData("TransferLearning", false)]
    [InlineData("TransferLearning.Onnx", false)]
    [InlineData("TransferLearning.OnnxRuntime", true)]
    public void Project_ReferencesOnnxRuntimeOnlyInItsOwnPackage(string package, bool references)
    {
        var project = XDocument.Load(Path.Combine(Repository.Root(), "src", package, $"{package}.csproj"));

        var packages = project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")).ToList();

        packages.Contains("Microsoft.ML.OnnxRuntime").Should().Be(references);
        if (package == "TransferLearning.OnnxRuntime")
        {
            packages.Should().NotContain("Google.Protobuf", "the one model edit the body makes is written by hand");
        }
    }

    [Fact]
    public void PackageReadme_HasNoRelativeLinks()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "src", "TransferLearning.OnnxRuntime", "PACKAGE.md"));

        readme.Should().NotContain("](./").And.NotContain("](../").And.NotContain("<img");
        readme.Should().Contain("OnnxBody.Load");
    }

    [Fact]
    public void PublicApi_ShippedIsEmpty_NothingReleasedYet()
    {
        File.ReadAllLines(Path.Combine(Repository.Root(), "src", "TransferLearning.OnnxRuntime", "PublicAPI.Shipped.txt")).Should().Equal("#nullable enable");
    }
}
