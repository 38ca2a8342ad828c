using TransferLearning.Tests.Support;

namespace TransferLearning.Tests.Data;

/// <summary>The slow tests' guard: missing data is a visible skip on a developer's machine and a failure under CI=true.</summary>
public class FashionMnistFixtureTests
{
    [Fact]
    public void Require_MissingDataLocally_SkipsVisibly() =>
        FluentActions.Invoking(() => FashionMnistFixture.Require(null, isCi: false))
            .Should().Throw<SkipException>().WithMessage("Fashion-MNIST is not installed*apt-get install dataset-fashion-mnist*");

    [Fact]
    public void Require_MissingDataUnderCi_Fails() =>
        FluentActions.Invoking(() => FashionMnistFixture.Require(null, isCi: true))
            .Should().ThrowExactly<InvalidOperationException>().WithMessage("CI=true: Fashion-MNIST is not installed*a failure, not a skip.");
}
