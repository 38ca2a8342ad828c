using TransferLearning.OnnxRuntime;

namespace TransferLearning.Tests.OnnxRuntime;

/// <summary>The hand-written protobuf edit: one more graph output, every other byte as it was.</summary>
public sealed class OnnxModelBytesTests
{
    [Fact]
    public void ReadNames_Cnn_InputsOutputsAndValues()
    {
        var names = OnnxModelBytes.ReadNames(File.ReadAllBytes(CnnFixture.Model));

        names.Inputs.Should().Equal("pixels");
        names.Outputs.Should().Equal("logits");
        names.NodeOutputs.Should().HaveCount(10).And.Contain("features").And.EndWith("logits");
    }

    [Fact]
    public void WithOutput_Cnn_AddsTheOutputAndKeepsTheRest()
    {
        byte[] model = File.ReadAllBytes(CnnFixture.Model);

        byte[] edited = OnnxModelBytes.WithOutput(model, "features");

        OnnxModelBytes.ReadNames(edited).Outputs.Should().Equal("logits", "features");
        OnnxModelBytes.ReadNames(edited).NodeOutputs.Should().Equal(OnnxModelBytes.ReadNames(model).NodeOutputs);
        edited.Length.Should().BeGreaterThan(model.Length);
    }

    [Fact]
    public void WithOutput_GraphLengthCrosses128_LengthVarintGrows()
    {
        // ModelProto { ir_version: 8, graph: GraphProto { output: ValueInfoProto { name: 120 × 'a' } } }: the graph's
        // length, 124, fits one varint byte; with one more output (12 bytes for "features") it does not.
        byte[] name = [.. Enumerable.Repeat((byte)'a', 120)];
        byte[] valueInfo = [0x0A, 120, .. name];
        byte[] graph = [0x62, (byte)valueInfo.Length, .. valueInfo];
        byte[] model = [0x08, 0x08, 0x3A, (byte)graph.Length, .. graph, 0x42, 0x02, 0x10, 0x0D];

        byte[] edited = OnnxModelBytes.WithOutput(model, "features");

        OnnxModelBytes.ReadNames(edited).Outputs.Should().Equal(new string('a', 120), "features");
        edited[..3].Should().Equal(model[..3]);
        edited[3..5].Should().Equal(new byte[] { 0x88, 0x01 }, "the new graph length, 136, takes two varint bytes");
        edited[^4..].Should().Equal(0x42, 0x02, 0x10, 0x0D);
    }

    [Fact]
    public void ReadNames_NoGraph_InvalidData()
    {
        var act = () => OnnxModelBytes.ReadNames([0x08, 0x08]);

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void ReadNames_LengthPastTheEnd_InvalidData()
    {
        var act = () => OnnxModelBytes.ReadNames([0x3A, 0x10, 0x01]);

        act.Should().Throw<InvalidDataException>();
    }
}
