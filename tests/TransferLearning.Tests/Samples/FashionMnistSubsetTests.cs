using System.IO.Compression;
using TransferLearning.Data;
using TransferLearning.Samples;
using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Samples;

/// <summary>The bundled subset: small, licensed, loadable offline, and exactly what its seeded generator makes from the full set.</summary>
public class FashionMnistSubsetTests
{
    [Fact]
    public void LoadSubset_BundledFiles_AreStratifiedAndNamed()
    {
        var data = FashionMnistFolders.LoadSubset(FashionMnistSubset.Directory);

        data.Train.CountPerClass().Should().AllBeEquivalentTo(FashionMnistSubset.TrainPerClass);
        data.Test.CountPerClass().Should().AllBeEquivalentTo(FashionMnistSubset.TestPerClass);
        data.Train.ClassNames.Should().Equal(FashionMnist.ClassNames);
        data.Train.Labels.Take(20).Should().NotBeInAscendingOrder("the subset is shuffled, not sorted by class");
        data.IsFullSet.Should().BeFalse();
        data.Description.Should().StartWith("Fashion-MNIST, 8,000 training and 1,000 test images, from ").And.EndWith("fashion-mnist-subset");
    }

    [Fact]
    public void LoadSubset_NoFolderGiven_FindsTheBundledFolderAboveTheTestBinaries() =>
        FashionMnistFolders.LoadSubset().Directory.Should().Be(Path.GetFullPath(FashionMnistSubset.Directory));

    [Fact]
    public void LoadFullOrSubset_NoFullSetAnywhere_FallsBackToTheSubset()
    {
        var data = FashionMnistFolders.LoadFullOrSubset("/nonexistent/a", "/nonexistent/b", "/nonexistent/c");

        data.IsFullSet.Should().BeFalse();
        data.Directory.Should().Be(Path.GetFullPath(FashionMnistSubset.Directory));
    }

    [Fact]
    public void BundledFolder_IsAtMostFiveMegabytesWithLicenceAndAttribution()
    {
        var files = Directory.GetFiles(FashionMnistSubset.Directory);

        files.Sum(f => new FileInfo(f).Length).Should().BeLessThanOrEqualTo(5_000_000);
        string licence = File.ReadAllText(Path.Combine(FashionMnistSubset.Directory, "LICENSE"));
        licence.Should().Contain("The MIT License").And.Contain("Zalando SE");
        string readme = File.ReadAllText(Path.Combine(FashionMnistSubset.Directory, "README.md"));
        readme.Should().Contain("Zalando Research").And.Contain("FashionMnistSubset");
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void BundledFiles_AreWhatTheSeededGeneratorMakesFromTheFullSet()
    {
        var full = FashionMnistFixture.Require();
        if (Environment.GetEnvironmentVariable("REGENERATE_FASHION_MNIST_SUBSET") == "1")
        {
            FashionMnistSubset.Write(full.Directory, FashionMnistSubset.Directory);
        }

        foreach (var (name, expected) in FashionMnistSubset.Generate(full.Directory))
        {
            using var gzip = new GZipStream(File.OpenRead(Path.Combine(FashionMnistSubset.Directory, name)), CompressionMode.Decompress);
            using var actual = new MemoryStream();
            gzip.CopyTo(actual);
            actual.ToArray().SequenceEqual(expected).Should().BeTrue($"{name} must be the generator's output (remake it with REGENERATE_FASHION_MNIST_SUBSET=1)");
        }
    }
}
