using TransferLearning.OnnxRuntime;

namespace TransferLearning.Tests.OnnxRuntime;

public sealed class OnnxBodyOptionsTests
{
    [Fact]
    public void Defaults_AreDocumented()
    {
        var options = new OnnxBodyOptions { InputShape = [1, 28, 28] };

        options.InputShape.Should().Equal(1, 28, 28);
        options.InputName.Should().BeNull();
        options.Cut.Should().BeNull();
        options.Scale.Should().Be(1f);
        options.Mean.Should().Be(0f);
        options.Std.Should().Be(1f);
        options.BatchSize.Should().Be(64);
        options.IntraOpThreads.Should().Be(0);
    }

    [Fact]
    public void InputShape_IsCopied()
    {
        int[] shape = [1, 28, 28];
        var options = new OnnxBodyOptions { InputShape = shape };

        shape[0] = 3;

        options.InputShape.Should().Equal(1, 28, 28);
    }

    [Theory]
    [InlineData(new int[0], "InputShape")]
    [InlineData(new[] { 1, 0, 28 }, "InputShape")]
    [InlineData(new[] { -1, 28 }, "InputShape")]
    public void InputShape_Invalid_Throws(int[] shape, string parameter)
    {
        var act = () => new OnnxBodyOptions { InputShape = shape };

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void InputShape_Null_Throws()
    {
        var act = () => new OnnxBodyOptions { InputShape = null! };

        act.Should().Throw<ArgumentNullException>().WithParameterName("InputShape");
    }

    [Fact]
    public void InputShape_TooManyValues_Throws()
    {
        var act = () => new OnnxBodyOptions { InputShape = [65536, 65536] };

        act.Should().Throw<ArgumentException>().WithParameterName("InputShape");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Names_Blank_Throw(string name)
    {
        ((Func<OnnxBodyOptions>)(() => new OnnxBodyOptions { InputShape = [1], InputName = name })).Should().Throw<ArgumentException>().WithParameterName("InputName");
        ((Func<OnnxBodyOptions>)(() => new OnnxBodyOptions { InputShape = [1], Cut = name })).Should().Throw<ArgumentException>().WithParameterName("Cut");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Scale_Invalid_Throws(float scale)
    {
        var act = () => new OnnxBodyOptions { InputShape = [1], Scale = scale };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Scale");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void Mean_Invalid_Throws(float mean)
    {
        var act = () => new OnnxBodyOptions { InputShape = [1], Mean = mean };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Mean");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Std_Invalid_Throws(float std)
    {
        var act = () => new OnnxBodyOptions { InputShape = [1], Std = std };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Std");
    }

    [Fact]
    public void BatchSize_AndThreads_Invalid_Throw()
    {
        ((Func<OnnxBodyOptions>)(() => new OnnxBodyOptions { InputShape = [1], BatchSize = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchSize");
        ((Func<OnnxBodyOptions>)(() => new OnnxBodyOptions { InputShape = [1], IntraOpThreads = -1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("IntraOpThreads");
    }
}
