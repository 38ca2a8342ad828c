using TransferLearning.Samples;

namespace TransferLearning.Tests.Samples;

public class SampleArgumentsTests
{
    [Fact]
    public void Parse_EveryOption_ReadsEach()
    {
        var arguments = SampleArguments.Parse(["--quick", "--subset", "--json", "a.json", "--plot", "b.png", "--data", "dir", "--dataset", "synthetic", "--seeds", "2"]);

        arguments.Should().Be(new SampleArguments
        {
            Quick = true, Subset = true, JsonPath = "a.json", PlotPath = "b.png", DataDirectory = "dir", Dataset = "synthetic", Seeds = 2,
        });
    }

    [Fact]
    public void Parse_NoArguments_AllDefaults()
    {
        SampleArguments.Parse([]).Should().Be(new SampleArguments());
    }

    [Fact]
    public void Parse_MissingValue_ThrowsNamingTheOption()
    {
        var act = () => SampleArguments.Parse(["--json"]);

        act.Should().Throw<ArgumentException>().WithMessage("Expected a value after --json but got none.*");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void Parse_SeedsNotAPositiveWholeNumber_ThrowsWithTheValue(string seeds)
    {
        var act = () => SampleArguments.Parse(["--seeds", seeds]);

        act.Should().Throw<ArgumentException>().WithMessage($"Expected --seeds to be a whole number ≥ 1 but got '{seeds}'.*");
    }
}
