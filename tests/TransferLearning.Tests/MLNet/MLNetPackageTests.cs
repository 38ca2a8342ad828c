using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.ML;
using TransferLearning.MLNet;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.MLNet;

/// <summary>ML.NET comes with the TransferLearning.MLNet package only, and its README's example runs.</summary>
public sealed partial class MLNetPackageTests
{
    [Theory]
    [InlineData("TransferLearning", false)]
    [InlineData("TransferLearning.Onnx", false)]
    [InlineData("TransferLearning.OnnxRuntime", false)]
    [InlineData("TransferLearning.MLNet", true)]
    public void Project_ReferencesMicrosoftMLOnlyInItsOwnPackage(string package, bool references)
    {
        var project = XDocument.Load(Path.Combine(Repository.Root(), "src", package, $"{package}.csproj"));

        var packages = project.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include")).ToList();

        packages.Contains("Microsoft.ML").Should().Be(references);
    }

    [Fact]
    public void PublicApi_ShippedIsEmpty_NothingReleasedYet()
    {
        File.ReadAllLines(Path.Combine(Repository.Root(), "src", "TransferLearning.MLNet", "PublicAPI.Shipped.txt")).Should().Equal("#nullable enable");
    }

    [Fact]
    public void PackageReadme_CodeBlockCompilesAndRunsAsAFreshApp()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root(), "src", "TransferLearning.MLNet", "PACKAGE.md"));
        readme.Should().NotContain("](./").And.NotContain("](../").And.NotContain("<img");
        string block = CodeBlock().Match(readme).Groups[1].Value;

        var (errors, assembly) = ConsoleAppCompiler.Compile(
            block,
            typeof(NetworkTransformer).Assembly,
            typeof(MLContext).Assembly,
            typeof(IDataView).Assembly,
            typeof(ITransformer).Assembly,
            typeof(Microsoft.ML.Data.TransformerChain<>).Assembly,
            typeof(Microsoft.ML.Transforms.ValueToKeyMappingEstimator).Assembly);

        errors.Should().BeEmpty();
        ConsoleAppCompiler.Run(assembly);
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
